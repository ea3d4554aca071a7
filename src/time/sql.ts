import { defaultLocalOrigin, ETERNITY, type Granularity } from './granularity.js';
import { periodMillis, periodMonths, periodToString } from './period.js';
import { toLocal } from './zone.js';

/**
 * DuckDB SQL that floors a TIMESTAMP expression (UTC wall clock, session TimeZone 'UTC') to a
 * granularity. It must agree with `bucketStart` in granularity.ts row for row: ingestion buckets
 * rows in SQL and takes locks on the intervals computed in JS.
 */

const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** A DuckDB TIMESTAMP literal for an epoch-ms instant (years 0001..9999). */
export function timestampLiteral(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `TIMESTAMP '${iso.slice(0, 10)} ${iso.slice(11, 23)}'`;
}

/** Single-unit UTC periods without origin map onto date_trunc, the fastest form. */
const TRUNC_UNIT: Record<string, string> = {
  PT1S: 'second',
  PT1M: 'minute',
  PT1H: 'hour',
  P1D: 'day',
  P1W: 'week',
  P1M: 'month',
  P3M: 'quarter',
  P1Y: 'year',
};

export function floorTimestampSql(col: string, g: Granularity): string {
  switch (g.type) {
    case 'none':
      return col;
    case 'all':
      return timestampLiteral(ETERNITY.start);
    case 'duration':
      return `time_bucket(INTERVAL '${g.durationMs} milliseconds', ${col}, ${timestampLiteral(g.origin)})`;
    case 'period': {
      const text = periodToString(g.period);
      const utc = g.timeZone === 'UTC';
      if (utc && g.origin === null && TRUNC_UNIT[text]) return `date_trunc('${TRUNC_UNIT[text]}', ${col})`;
      const months = periodMonths(g.period);
      const width = months > 0 ? `INTERVAL '${months} months'` : `INTERVAL '${periodMillis(g.period)} milliseconds'`;
      const originLocal = g.origin === null ? defaultLocalOrigin(g.period) : toLocal(g.origin, g.timeZone);
      const bucket = (c: string): string =>
        months > 0 && !isMonthStart(originLocal) ? monthBucketSql(c, months, originLocal) : `time_bucket(${width}, ${c}, ${timestampLiteral(originLocal)})`;
      if (utc) return bucket(col);
      // Bucket on local wall-clock time, then read that local time back as an instant in the zone.
      const zone = lit(g.timeZone);
      return `timezone(${zone}, ${bucket(`timezone(${zone}, (${col})::TIMESTAMPTZ)`)})::TIMESTAMP`;
    }
  }
}

function isMonthStart(ms: number): boolean {
  const d = new Date(ms);
  return d.getUTCDate() === 1 && ms % 86_400_000 === 0;
}

/**
 * Month buckets from an origin inside a month (e.g. the 15th). DuckDB's time_bucket keeps only the
 * origin's month there, so count whole months from the origin like Joda's months().getDifference.
 */
function monthBucketSql(c: string, months: number, originLocal: number): string {
  const o = new Date(originLocal);
  const origin = timestampLiteral(originLocal);
  const diff = `((year(${c}) - ${o.getUTCFullYear()}) * 12 + month(${c}) - ${o.getUTCMonth() + 1})`;
  const whole = `(${diff} - CASE WHEN ${origin} + to_months(CAST(${diff} AS INTEGER)) > ${c} THEN 1 ELSE 0 END)`;
  return `(${origin} + to_months(CAST(floor(${whole} / ${months}) AS INTEGER) * ${months}))`;
}

/** Floors epoch milliseconds (BIGINT) and answers epoch milliseconds, for Druid's timestamp_floor. */
export function floorMillisSql(msExpr: string, g: Granularity): string {
  if (g.type === 'none') return msExpr;
  return `epoch_ms(${floorTimestampSql(`epoch_ms(${msExpr})`, g)})`;
}
