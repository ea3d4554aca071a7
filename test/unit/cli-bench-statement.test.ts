import { describe, expect, it } from 'vitest';
import { wikipediaMsqStatement } from '../../src/bench/sql-ingest.js';

/** Bench part d's statement: what `grove sql` users would write for the benchmark file. */

/** The three EXTERN arguments, unquoted. */
function externArgs(sql: string): string[] {
  const m = /EXTERN\((.*)\)\)/s.exec(sql);
  if (!m) throw new Error('no EXTERN');
  return [...m[1].matchAll(/'((?:[^']|'')*)'/g)].map((x) => x[1].replaceAll("''", "'"));
}

describe('wikipediaMsqStatement', () => {
  it('writes every column out and declares all 24 in the signature', () => {
    const sql = wikipediaMsqStatement('insert', '/data/w.json', 'json');
    expect(sql.startsWith('INSERT INTO bench_sql\nSELECT\n  TIME_PARSE("time") AS __time,\n  "channel",\n')).toBe(true);
    expect(sql.endsWith('\nPARTITIONED BY DAY')).toBe(true);
    const selected = sql.split('FROM')[0].match(/^ {2}"\w+"/gm) ?? [];
    expect(selected).toHaveLength(23);
    expect(selected).not.toContain('  "time"');
    const [source, format, signature] = externArgs(sql);
    expect(JSON.parse(source)).toEqual({ type: 'local', files: ['/data/w.json'] });
    expect(JSON.parse(format)).toEqual({ type: 'json' });
    const sig = JSON.parse(signature) as Array<{ name: string; type: string }>;
    expect(sig).toHaveLength(24);
    expect(sig.find((c) => c.name === 'added')?.type).toBe('long');
    expect(sig.find((c) => c.name === 'deltaBucket')?.type).toBe('double');
    expect(sig.find((c) => c.name === 'time')?.type).toBe('string');
  });

  it('quotes paths with apostrophes and reads CSV by its header', () => {
    const sql = wikipediaMsqStatement('replace', "/data/o'brien.csv", 'csv');
    expect(sql.startsWith('REPLACE INTO bench_sql OVERWRITE ALL\nSELECT')).toBe(true);
    const [source, format] = externArgs(sql);
    expect(JSON.parse(source).files).toEqual(["/data/o'brien.csv"]);
    expect(JSON.parse(format)).toEqual({ type: 'csv', findColumnsFromHeader: true });
  });
});
