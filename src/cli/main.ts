#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError, resolveConfig } from '../config/config.js';
import { registerSqlCommand } from './sql.js';

const program = new Command();
program.name('grove').description('Grove: a data task service speaking Druid\'s Tasks and SQL APIs');

const withSettings = (c: Command): Command =>
  c
    .option('--port <n>', 'HTTP port (GROVE_PORT; default 8888)')
    .option('--es-port <n>', 'also serve the Elasticsearch face at the root of this port (GROVE_ES_PORT; default none, it is at /es)')
    .option('--host <addr>', 'address to bind (GROVE_HOST; default 127.0.0.1)')
    .option('--data-dir <dir>', 'data directory (GROVE_DATA_DIR; default ./var)')
    .option('--metadata-url <url>', 'sqlite:<file> or postgres://... (GROVE_METADATA_URL; default SQLite in the data dir)')
    .option('--worker-capacity <n>', 'task slots (GROVE_WORKER_CAPACITY; default CPUs-1, at least 2)')
    .option('--allowed-input-dirs <dirs>', 'comma-separated directories local input may be read from (GROVE_ALLOWED_INPUT_DIRS; default the working directory)')
    .option('--results-retention <period>', 'how long SELECT statement results stay on disk, ISO-8601 (GROVE_RESULTS_RETENTION; default PT6H)');

function config(opts: Record<string, string | undefined>) {
  try {
    return resolveConfig({
      port: opts.port,
      esPort: opts.esPort,
      host: opts.host,
      dataDir: opts.dataDir,
      metadataUrl: opts.metadataUrl,
      workerCapacity: opts.workerCapacity,
      allowedInputDirs: opts.allowedInputDirs,
      resultsRetention: opts.resultsRetention,
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`grove: invalid setting: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

withSettings(program.command('start').description('start the Grove server')).action(async (opts) => {
  const cfg = config(opts);
  let grove;
  try {
    // Loaded here, not at the top: `grove sql` should not pay for the server, DuckDB and the store.
    const { startGrove } = await import('../service.js');
    grove = await startGrove(cfg);
  } catch (e) {
    process.stderr.write(`grove: could not start: ${(e as Error).message}\n`);
    process.exit(1);
  }
  grove.services.log.info({ url: grove.url, dataDir: cfg.dataDir, metadata: cfg.metadataUrl.replace(/\/\/[^@/]*@/, '//***@') }, 'Grove started');
  const stop = (signal: string) => {
    grove.services.log.info({ signal }, 'stopping');
    grove.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
});

withSettings(program.command('seed-tasks').description('insert N completed noop tasks into the metadata store (benchmarks)'))
  .requiredOption('--count <n>', 'how many')
  .action(async (opts) => {
    const { seedCompletedTasks } = await import('./seed-tasks.js');
    const n = await seedCompletedTasks(config(opts), Number(opts.count));
    process.stdout.write(`inserted ${n} completed tasks\n`);
  });

registerSqlCommand(program);

await program.parseAsync();
