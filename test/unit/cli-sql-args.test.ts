import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseContext, resolveRequest, resolveUrl, UsageError } from '../../src/cli/sql-args.js';
import { registerSqlCommand } from '../../src/cli/sql.js';

describe('parseContext', () => {
  it('keeps JSON types and falls back to strings', () => {
    expect(parseContext(['maxNumTasks=3', 'finalizeAggregations=false', 'sqlTimeZone=America/Los_Angeles', 'x={"a":[1]}', 'n=null', 's="7"'])).toEqual({
      maxNumTasks: 3,
      finalizeAggregations: false,
      sqlTimeZone: 'America/Los_Angeles',
      x: { a: [1] },
      n: null,
      s: '7',
    });
  });

  it('splits at the first = only and lets a later pair win', () => {
    expect(parseContext(['k=a=b', 'k2=', 'k2=1'])).toEqual({ k: 'a=b', k2: 1 });
    expect(parseContext(['k='])).toEqual({ k: '' });
  });

  it.each(['novalue', '=3', ' =3'])('rejects %j', (pair) => {
    expect(() => parseContext([pair])).toThrow(UsageError);
  });
});

describe('resolveUrl', () => {
  it('takes the flag over GROVE_URL over the default and drops a trailing slash', () => {
    expect(resolveUrl(undefined, {})).toBe('http://127.0.0.1:8888');
    expect(resolveUrl(undefined, { GROVE_URL: 'http://h:1/' })).toBe('http://h:1');
    expect(resolveUrl('https://x', { GROVE_URL: 'http://h:1' })).toBe('https://x');
  });

  it.each(['localhost:8888', 'ftp://x', ''])('rejects %j', (u) => {
    expect(() => resolveUrl(u, {})).toThrow(UsageError);
  });
});

describe('resolveRequest', () => {
  it('takes the statement from the argument', async () => {
    const r = await resolveRequest('SELECT 1', { context: ['maxNumTasks=2'], wait: true }, {});
    expect(r).toEqual({ query: 'SELECT 1', context: { maxNumTasks: 2 }, url: 'http://127.0.0.1:8888', wait: true });
  });

  it('reads -f files and -f - from standard input', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'grove-cli-'));
    const file = path.join(dir, 'job.sql');
    await writeFile(file, 'INSERT INTO t\nSELECT 1 PARTITIONED BY ALL\n');
    expect((await resolveRequest(undefined, { file }, {})).query).toBe('INSERT INTO t\nSELECT 1 PARTITIONED BY ALL\n');
    expect((await resolveRequest(undefined, { file: '-' }, {}, async () => 'SELECT 2')).query).toBe('SELECT 2');
    expect((await resolveRequest(undefined, { file }, {})).wait).toBe(false);
  });

  it.each([
    [undefined, {}, /no statement/],
    ['SELECT 1', { file: 'x.sql' }, /not both/],
    ['  \n', {}, /empty/],
    [undefined, { file: '/nonexistent/job.sql' }, /cannot read/],
  ])('refuses %j %j', async (statement, opts, message) => {
    await expect(resolveRequest(statement, opts, {})).rejects.toThrow(message);
    await expect(resolveRequest(statement, opts, {})).rejects.toBeInstanceOf(UsageError);
  });
});

describe('the sql command options', () => {
  it('collects repeated --context and -c, -f, --url and --wait', () => {
    const program = new Command();
    registerSqlCommand(program);
    const sql = program.commands.find((c) => c.name() === 'sql')!;
    let seen: unknown[] = [];
    // Same options, the action swapped for a probe so nothing is submitted.
    sql.action((statement: unknown, opts: unknown) => {
      seen = [statement, opts];
    });
    program.parse(['sql', '-c', 'a=1', '--context', 'b=two', '-w', '--url', 'http://h:1', 'SELECT 1'], { from: 'user' });
    expect(seen).toEqual(['SELECT 1', { context: ['a=1', 'b=two'], wait: true, url: 'http://h:1' }]);
    program.parse(['sql', '-f', 'job.sql'], { from: 'user' });
    expect(seen).toEqual([undefined, { file: 'job.sql' }]);
  });
});
