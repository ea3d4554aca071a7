import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { readManifest } from './manifest.js';

/**
 * Removes SELECT result pages older than the results retention. Druid keeps statement results
 * until durable storage is cleaned; Grove keeps them for a set time after they were written, so
 * the data directory does not grow without bound. Runs at start-up and then every minute.
 */

const SWEEP_EVERY_MS = 60_000;

/**
 * One pass over `<dataDir>/tasks/<id>/results`; answers how many result sets were removed. Results
 * of statements in `kept` (a face keeps them for longer, such as an ES|QL keep_alive) stay.
 */
export function sweepResults(tasksDir: string, retentionMs: number, now = Date.now(), kept: ReadonlySet<string> = new Set()): number {
  let removed = 0;
  let ids: string[];
  try {
    ids = fs.readdirSync(tasksDir);
  } catch {
    return 0;
  }
  for (const id of ids) {
    if (kept.has(id)) continue;
    const dir = path.join(tasksDir, id, 'results');
    if (!fs.existsSync(dir)) continue;
    // Pages without a manifest belong to a job that never finished writing them.
    const written = readManifest(dir)?.writtenMs ?? fs.statSync(dir).mtimeMs;
    if (written + retentionMs > now) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** Starts the periodic sweep; the returned function stops it. */
export function startResultsSweeper(tasksDir: string, retentionMs: number, log: Logger, kept: () => Promise<ReadonlySet<string>>): () => void {
  const sweep = async (): Promise<void> => {
    try {
      const n = sweepResults(tasksDir, retentionMs, Date.now(), await kept());
      if (n > 0) log.info({ removed: n }, 'removed expired statement results');
    } catch (err) {
      log.warn({ err }, 'sweeping statement results failed');
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), SWEEP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
