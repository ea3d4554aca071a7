import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroveError } from '../../src/core/errors.js';
import {
  bucketInterval,
  bucketStart,
  bucketsOverlapping,
  ETERNITY,
  floorMillisSql,
  floorTimestampSql,
  granularityToJson,
  parseGranularity,
  type Granularity,
} from '../../src/time/index.js';
import { druidStatus } from '../../src/api/druid/errors.js';

const t = (s: string): number => Date.parse(s);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('parseGranularity', () => {
  it('accepts Druid names in any case and serializes standard ones by name', () => {
    expect(granularityToJson(parseGranularity('day'))).toBe('DAY');
    expect(granularityToJson(parseGranularity('Fifteen_Minute'))).toBe('FIFTEEN_MINUTE');
    expect(granularityToJson(parseGranularity('PT1H'))).toBe('HOUR');
    expect(granularityToJson(parseGranularity('none'))).toEqual({ type: 'none' });
    expect(granularityToJson(parseGranularity({ type: 'ALL' }))).toEqual({ type: 'all' });
    expect(granularityToJson(parseGranularity({ type: 'period', period: 'P1D' }))).toBe('DAY');
  });

  it('keeps period objects with zone and origin', () => {
    const g = parseGranularity({ type: 'period', period: 'PT2H', timeZone: 'America/Los_Angeles', origin: '2020-01-01T00:30:00Z' });
    expect(granularityToJson(g)).toEqual({ type: 'period', period: 'PT2H', timeZone: 'America/Los_Angeles', origin: '2020-01-01T00:30:00.000Z' });
    expect(granularityToJson(parseGranularity({ type: 'duration', duration: 60000 }))).toEqual({
      type: 'duration',
      duration: 60000,
      origin: '1970-01-01T00:00:00.000Z',
    });
  });

  it.each([
    ['fortnight', 'granularity [fortnight] is not a valid granularity; use one of NONE, ALL, SECOND'],
    [{ type: 'period', period: 'one day' }, 'granularity.period [one day] is not a valid ISO-8601 period'],
    [{ type: 'period', period: 'P1D', timeZone: 'Mars/Olympus' }, 'granularity.timeZone [Mars/Olympus] is not a known time zone id'],
    [{ type: 'duration', duration: -5 }, 'granularity.duration must be a positive whole number of milliseconds, got -5'],
    [{ type: 'weird' }, 'granularity.type [weird] is not a granularity type'],
    [42, 'granularity must be a granularity name such as "DAY"'],
    ['P1M2D', 'mixes months or years with smaller units'],
    ['PT0S', 'must not be zero'],
  ])('rejects %j', (input, message) => {
    let err: unknown;
    try {
      parseGranularity(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GroveError);
    expect(druidStatus(err as GroveError)).toBe(400);
    expect((err as GroveError).message).toContain(message);
  });
});

describe('bucket math', () => {
  it('floors to calendar units in UTC', () => {
    const ms = t('2024-05-15T13:47:12.345Z');
    expect(iso(bucketStart(ms, parseGranularity('hour')))).toBe('2024-05-15T13:00:00.000Z');
    expect(iso(bucketStart(ms, parseGranularity('fifteen_minute')))).toBe('2024-05-15T13:45:00.000Z');
    expect(iso(bucketStart(ms, parseGranularity('week')))).toBe('2024-05-13T00:00:00.000Z'); // a Monday
    expect(iso(bucketStart(ms, parseGranularity('month')))).toBe('2024-05-01T00:00:00.000Z');
    expect(iso(bucketStart(ms, parseGranularity('quarter')))).toBe('2024-04-01T00:00:00.000Z');
    expect(iso(bucketStart(ms, parseGranularity('year')))).toBe('2024-01-01T00:00:00.000Z');
    expect(bucketStart(ms, parseGranularity('none'))).toBe(ms);
    expect(bucketStart(ms, parseGranularity('all'))).toBe(ETERNITY.start);
  });

  it('gives half-open intervals, month ends included', () => {
    const i = bucketInterval(t('2024-02-29T23:59:59.999Z'), parseGranularity('month'));
    expect([iso(i.start), iso(i.end)]).toEqual(['2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
    expect(bucketInterval(5, parseGranularity('none'))).toEqual({ start: 5, end: 6 });
  });

  it('buckets on local time in a zone, across DST', () => {
    const g = parseGranularity({ type: 'period', period: 'P1D', timeZone: 'America/Los_Angeles' });
    const i = bucketInterval(t('2024-03-10T12:00:00Z'), g); // DST starts that day: a 23-hour day
    expect([iso(i.start), iso(i.end)]).toEqual(['2024-03-10T08:00:00.000Z', '2024-03-11T07:00:00.000Z']);
  });

  it('aligns multi-unit periods and origins', () => {
    const g = parseGranularity({ type: 'period', period: 'PT2H', origin: '2020-01-01T00:30:00Z' });
    expect(iso(bucketStart(t('2024-05-15T13:47:00Z'), g))).toBe('2024-05-15T12:30:00.000Z');
    expect(iso(bucketStart(t('1969-12-31T23:00:00Z'), parseGranularity('P2D')))).toBe('1969-12-30T00:00:00.000Z');
  });

  it('lists the buckets overlapping an interval', () => {
    const b = bucketsOverlapping({ start: t('2015-09-12T05:00:00Z'), end: t('2015-09-14T00:00:01Z') }, parseGranularity('day'));
    expect(b.map((x) => iso(x.start))).toEqual(['2015-09-12T00:00:00.000Z', '2015-09-13T00:00:00.000Z', '2015-09-14T00:00:00.000Z']);
    expect(bucketsOverlapping({ start: 0, end: 10 }, parseGranularity('all'))).toEqual([ETERNITY]);
    expect(bucketsOverlapping({ start: 10, end: 10 }, parseGranularity('day'))).toEqual([]);
    expect(() => bucketsOverlapping({ start: 0, end: 86_400_000 * 400 }, parseGranularity('second'))).toThrow(/more than 100000 time chunks/);
  });

  it('ETERNITY survives ISO round trips', () => {
    expect(iso(ETERNITY.start)).toBe('0001-01-01T00:00:00.000Z');
    expect(iso(ETERNITY.end)).toBe('9999-12-31T23:59:59.999Z');
    expect(Date.parse(iso(ETERNITY.end))).toBe(ETERNITY.end);
  });
});

describe('DuckDB floor SQL agrees with bucketStart', () => {
  let db: DuckDBInstance;
  let conn: DuckDBConnection;
  beforeAll(async () => {
    db = await DuckDBInstance.create(':memory:');
    conn = await db.connect();
    await conn.run("SET autoinstall_known_extensions=false; SET autoload_known_extensions=false; SET TimeZone='UTC'");
  });
  afterAll(() => {
    conn.closeSync();
    db.closeSync();
  });

  const grans: Array<[string, unknown]> = [
    ['second', 'second'],
    ['five_minute', 'five_minute'],
    ['hour', 'hour'],
    ['six_hour', 'six_hour'],
    ['day', 'day'],
    ['week', 'week'],
    ['P2W', 'P2W'],
    ['month', 'month'],
    ['quarter', 'quarter'],
    ['year', 'year'],
    ['P2D', 'P2D'],
    ['PT90M', 'PT90M'],
    ['origin', { type: 'period', period: 'PT2H', origin: '2020-01-01T00:30:00Z' }],
    ['month origin', { type: 'period', period: 'P1M', origin: '2020-01-15T00:00:00Z' }],
    ['LA day', { type: 'period', period: 'P1D', timeZone: 'America/Los_Angeles' }],
    ['Kolkata hour', { type: 'period', period: 'PT1H', timeZone: 'Asia/Kolkata' }],
    ['Berlin month', { type: 'period', period: 'P1M', timeZone: 'Europe/Berlin' }],
    ['duration', { type: 'duration', duration: 7_200_000, origin: '2020-01-01T00:10:00Z' }],
    ['all', 'all'],
    ['none', 'none'],
  ];
  const samples = [
    '2024-05-15T13:47:12.345Z',
    '2024-03-10T09:59:59.999Z',
    '2024-03-10T10:00:00.000Z',
    '2024-11-03T08:30:00.000Z',
    '1969-12-31T23:59:59.999Z',
    '2000-01-01T00:00:00.000Z',
    '2015-09-12T23:30:00.000Z',
    '2023-01-31T12:00:00.000Z',
  ].map(t);

  it.each(grans)('%s', async (_label, spec) => {
    const g: Granularity = parseGranularity(spec);
    const values = samples.map((ms) => `(${ms})`).join(',');
    const sql = `SELECT ms, epoch_ms(${floorTimestampSql('epoch_ms(ms)', g)}) AS f, ${floorMillisSql('ms', g)} AS f2 FROM (VALUES ${values}) v(ms) ORDER BY ms`;
    const rows = (await conn.runAndReadAll(sql)).getRowObjectsJS();
    expect(rows).toHaveLength(samples.length);
    for (const r of rows) {
      const expected = bucketStart(Number(r.ms), g);
      expect(iso(Number(r.f)), `${iso(Number(r.ms))}`).toBe(iso(expected));
      expect(Number(r.f2)).toBe(expected);
    }
  });
});
