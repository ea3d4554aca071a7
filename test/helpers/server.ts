import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { HeldInput } from './held-input.js';

/** Metadata stores the integration suites run against; CI runs both. */
export const BACKENDS = (process.env.GROVE_TEST_BACKENDS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const PG_ADMIN = process.env.GROVE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLI = path.resolve('dist/cli/main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh PostgreSQL database per server, so suites never see each other's rows. */
export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `grove_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface ServerOptions {
  readonly backend: 'sqlite' | 'postgres';
  readonly capacity?: number;
  readonly allowedInputDirs?: readonly string[];
  readonly env?: Record<string, string>;
  /** Working directory of the server process (relative local baseDirs resolve against it). */
  readonly cwd?: string;
}

/** The real Grove server in its own process, as `npm start` runs it. */
export class TestServer {
  readonly dataDir: string;
  port = 0;
  proc: ChildProcess | null = null;
  output = '';
  #metadataUrl = '';
  #dropDb: (() => Promise<void>) | null = null;

  private constructor(readonly opts: ServerOptions) {
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grove-test-'));
  }

  static async start(opts: ServerOptions): Promise<TestServer> {
    const s = new TestServer(opts);
    if (opts.backend === 'postgres') {
      const db = await createPgDatabase();
      s.#metadataUrl = db.url;
      s.#dropDb = db.drop;
    } else {
      s.#metadataUrl = `sqlite:${path.join(s.dataDir, 'metadata.sqlite')}`;
    }
    await s.launch();
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get metadataUrl(): string {
    return this.#metadataUrl;
  }

  /** Where fault-point gates live (see src/core/fault-points.ts). */
  get faultDir(): string {
    return path.join(this.dataDir, 'fault-gates');
  }

  /**
   * Starts (or restarts) the process on the same data directory and metadata store; `env` adds to
   * the options' environment for this start only (fault points: `GROVE_FAULTS`).
   */
  async launch(env: Record<string, string> = {}): Promise<void> {
    fs.mkdirSync(this.faultDir, { recursive: true });
    this.port = await freePort();
    const args = [CLI, 'start', '--port', String(this.port), '--data-dir', this.dataDir, '--metadata-url', this.#metadataUrl,
      '--worker-capacity', String(this.opts.capacity ?? 2),
      '--allowed-input-dirs', (this.opts.allowedInputDirs ?? [path.resolve('test/fixtures')]).join(',')];
    const proc = spawn(process.execPath, args, { cwd: this.opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GROVE_LOG_LEVEL: 'warn', GROVE_FAULT_DIR: this.faultDir, ...this.opts.env, ...env } });
    this.proc = proc;
    proc.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`grove exited with ${proc.exitCode}: ${this.output}`);
      try {
        const r = await fetch(`${this.url}/status/health`);
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`grove did not become healthy: ${this.output}`);
  }

  /** Waits until a `hold` fault point has been reached `times` times in all. */
  async reached(point: string, times = 1, timeoutMs = 30_000): Promise<void> {
    const file = path.join(this.faultDir, `${point}.reached`);
    await waitFor(async () => (fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim().split('\n').length >= times ? true : undefined), timeoutMs, `fault point ${point}`);
  }

  /** Lets every process held at `point` go on (and later arrivals pass at once). */
  release(point: string): void {
    fs.writeFileSync(path.join(this.faultDir, `${point}.release`), '');
  }

  /** Makes `point` hold again, forgetting earlier arrivals. */
  rearm(point: string): void {
    for (const f of [`${point}.reached`, `${point}.release`]) fs.rmSync(path.join(this.faultDir, f), { force: true });
  }

  /** Kills the server the hard way, as a crash or power loss would. */
  async kill9(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  async stopProcess(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  }

  async close(): Promise<void> {
    await this.stopProcess();
    await this.#dropDb?.();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  async get(p: string): Promise<Response> {
    return fetch(this.url + p);
  }

  async json<T = any>(p: string): Promise<T> {
    const r = await fetch(this.url + p);
    if (!r.ok) throw new Error(`GET ${p} -> ${r.status}: ${await r.text()}`);
    return (await r.json()) as T;
  }

  async post(p: string, body?: unknown, contentType = 'application/json'): Promise<Response> {
    return fetch(this.url + p, {
      method: 'POST',
      headers: body === undefined ? {} : { 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async submit(spec: unknown): Promise<string> {
    const r = await this.post('/druid/indexer/v1/task', spec);
    const body = await r.json();
    if (r.status !== 200) throw new Error(`submit -> ${r.status}: ${JSON.stringify(body)}`);
    return (body as { task: string }).task;
  }

  async status(id: string): Promise<any> {
    return (await this.json(`/druid/indexer/v1/task/${encodeURIComponent(id)}/status`)).status;
  }

  /** Polls until the task is complete and returns its final status. */
  async waitForCompletion(id: string, timeoutMs = 60_000): Promise<any> {
    return waitFor(async () => {
      const s = await this.status(id);
      return s.statusCode !== 'RUNNING' ? s : undefined;
    }, timeoutMs, `task ${id} to complete`);
  }

  async sql(query: string, extra: Record<string, unknown> = {}): Promise<any[]> {
    const r = await this.post('/druid/v2/sql', { query, ...extra });
    const body = await r.json();
    if (r.status !== 200) throw new Error(`sql -> ${r.status}: ${JSON.stringify(body)}`);
    return body as any[];
  }
}

/** SIGKILLs the process running a task (found by its `--task=<id>` argument), as the OOM killer would. */
export function killTaskProcess(taskId: string): void {
  const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  const line = ps.split('\n').find((l) => l.includes(`--task=${taskId}`));
  if (!line) throw new Error(`no process runs task ${taskId}`);
  process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
}

export async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Registers a real server (and a HeldInput http source) for a describe block: the variables it
 * returns are filled in beforeAll and both are closed in afterAll.
 */
export function serverWithInput(opts: ServerOptions): { s: TestServer; input: HeldInput } {
  const env = {} as { s: TestServer; input: HeldInput };
  beforeAll(async () => {
    env.input = await HeldInput.start();
    env.s = await TestServer.start(opts);
  });
  afterAll(async () => {
    await env.s?.close();
    await env.input?.close();
  });
  return env;
}
