import { describe, expect, it } from 'vitest';
import { condenseIntervals, parseInterval, parsePeriod, parseUnderscoreInterval, periodToString, tryParseInstant } from '../../src/time/index.js';
import { errorOf } from '../helpers/errors.js';
import { druidStatus } from '../../src/api/druid/errors.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const show = (i: { start: number; end: number }): string => `${iso(i.start)}/${iso(i.end)}`;


describe('parseInterval', () => {
  it('reads dates as UTC midnight', () => {
    expect(show(parseInterval('2015-09-12/2015-09-13'))).toBe('2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z');
  });

  it('reads times, offsets and partial forms', () => {
    expect(show(parseInterval('2015-09-12T05/2015-09-12T06:30:00.5+01:00'))).toBe('2015-09-12T05:00:00.000Z/2015-09-12T05:30:00.500Z');
    expect(show(parseInterval('2015/2016-02'))).toBe('2015-01-01T00:00:00.000Z/2016-02-01T00:00:00.000Z');
    expect(show(parseInterval('2015-09-12T00:00:00.000Z/2015-09-12T00:00:00.000Z'))).toBe('2015-09-12T00:00:00.000Z/2015-09-12T00:00:00.000Z');
  });

  it('reads start/period and period/end', () => {
    expect(show(parseInterval('2015-01-31/P1M'))).toBe('2015-01-31T00:00:00.000Z/2015-02-28T00:00:00.000Z');
    expect(show(parseInterval('PT6H/2015-09-13'))).toBe('2015-09-12T18:00:00.000Z/2015-09-13T00:00:00.000Z');
  });

  it.each([
    ['2015-09-13/2015-09-12', 'the end instant must be greater than or equal to the start'],
    ['2015-09-12', 'expected <start>/<end>'],
    ['2015-02-30/2015-03-01', 'cannot parse its start or end'],
    ['yesterday/today', 'cannot parse its start or end'],
    ['P1D/P2D', 'both sides are periods'],
  ])('rejects %s', (text, message) => {
    const e = errorOf(() => parseInterval(text, 'spec.dataSchema.granularitySpec.intervals[0]'));
    expect(druidStatus(e)).toBe(400);
    expect(e.message).toBe(`spec.dataSchema.granularitySpec.intervals[0] [${text}] is not a valid interval: ${e.message.split(': ').slice(1).join(': ')}`);
    expect(e.message).toContain(message);
  });

  it('rejects non-strings', () => {
    expect(errorOf(() => parseInterval(5)).message).toBe('interval must be a string like "2015-09-12/2015-09-13", got 5');
  });
});

describe('parseUnderscoreInterval', () => {
  it('reads the createdTimeInterval form', () => {
    expect(show(parseUnderscoreInterval('2023-06-27_2023-06-28'))).toBe('2023-06-27T00:00:00.000Z/2023-06-28T00:00:00.000Z');
    expect(show(parseUnderscoreInterval('2023-06-27T10:00:00Z_PT1H'))).toBe('2023-06-27T10:00:00.000Z/2023-06-27T11:00:00.000Z');
  });
  it('names the parameter when wrong', () => {
    expect(errorOf(() => parseUnderscoreInterval('2023-06-27/2023-06-28')).message).toBe(
      'createdTimeInterval [2023-06-27/2023-06-28] is not a valid interval: expected <start>_<end>, e.g. 2023-06-27_2023-06-28',
    );
    expect(druidStatus(errorOf(() => parseUnderscoreInterval('')))).toBe(400);
  });
});

describe('periods and instants', () => {
  it('round-trips periods', () => {
    expect(periodToString(parsePeriod('p1y2m3w4dt5h6m7.5s'))).toBe('P1Y2M3W4DT5H6M7.500S');
    expect(errorOf(() => parsePeriod('PT')).message).toContain('[PT] is not a valid ISO-8601 period');
  });
  it('parses instants strictly', () => {
    expect(tryParseInstant('2015-09-12T01:02:03Z')).toBe(Date.parse('2015-09-12T01:02:03Z'));
    expect(tryParseInstant('0099-01-01')).toBe(Date.parse('0099-01-01T00:00:00Z'));
    expect(tryParseInstant('2015-13-01')).toBeNull();
    expect(tryParseInstant('2015-09-12T24:00')).toBeNull();
  });
  it('condenses intervals', () => {
    expect(condenseIntervals([{ start: 5, end: 9 }, { start: 0, end: 5 }, { start: 20, end: 30 }, { start: 8, end: 12 }])).toEqual([
      { start: 0, end: 12 },
      { start: 20, end: 30 },
    ]);
  });
});
