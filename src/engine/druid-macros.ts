/**
 * DuckDB macros implementing Druid SQL time functions, created once per engine. The rewriter maps
 * Druid names onto these `druid_*` names, so no macro can shadow a DuckDB built-in. Periods are
 * ISO 8601 strings (PT1H, P1D, P1W, P3M, ...); constant arguments fold at bind time, so the regex
 * work happens once per query, not per row.
 *
 * Week buckets start on Monday like Druid's, because DuckDB's default time_bucket origin for
 * day-based widths is Monday 2000-01-03; month-based widths align to January like Druid's.
 */
export const DRUID_MACROS: readonly string[] = [
  String.raw`CREATE OR REPLACE MACRO druid_period_num(s, u) AS coalesce(try_cast(regexp_extract(s, '(\d+)' || u, 1) AS BIGINT), 0)`,
  String.raw`CREATE OR REPLACE MACRO druid_period(p) AS
     to_years(druid_period_num(regexp_extract(upper(p), '^P([^T]*)', 1), 'Y')::INTEGER)
   + to_months(druid_period_num(regexp_extract(upper(p), '^P([^T]*)', 1), 'M')::INTEGER)
   + to_days((druid_period_num(regexp_extract(upper(p), '^P([^T]*)', 1), 'W') * 7
              + druid_period_num(regexp_extract(upper(p), '^P([^T]*)', 1), 'D'))::INTEGER)
   + to_hours(druid_period_num(regexp_extract(upper(p), 'T(.*)$', 1), 'H'))
   + to_minutes(druid_period_num(regexp_extract(upper(p), 'T(.*)$', 1), 'M'))
   + to_seconds(druid_period_num(regexp_extract(upper(p), 'T(.*)$', 1), 'S'))`,
  // Local wall-clock time in zone tz, as a naive TIMESTAMP, and back.
  `CREATE OR REPLACE MACRO druid_to_local(t, tz) AS timezone(coalesce(tz, 'UTC'), CAST(t AS TIMESTAMPTZ))`,
  `CREATE OR REPLACE MACRO druid_from_local(t, tz) AS CAST(timezone(coalesce(tz, 'UTC'), t) AS TIMESTAMP)`,
  `CREATE OR REPLACE MACRO druid_time_floor(t, p) AS time_bucket(druid_period(p), CAST(t AS TIMESTAMP)),
     (t, p, o) AS CASE WHEN o IS NULL THEN time_bucket(druid_period(p), CAST(t AS TIMESTAMP))
                       ELSE time_bucket(druid_period(p), CAST(t AS TIMESTAMP), CAST(o AS TIMESTAMP)) END,
     (t, p, o, tz) AS druid_from_local(
        CASE WHEN o IS NULL THEN time_bucket(druid_period(p), druid_to_local(t, tz))
             ELSE time_bucket(druid_period(p), druid_to_local(t, tz), druid_to_local(o, tz)) END, tz)`,
  `CREATE OR REPLACE MACRO druid_time_ceil(t, p) AS
     CASE WHEN druid_time_floor(t, p) = CAST(t AS TIMESTAMP) THEN CAST(t AS TIMESTAMP) ELSE druid_time_floor(t, p) + druid_period(p) END,
     (t, p, o) AS CASE WHEN druid_time_floor(t, p, o) = CAST(t AS TIMESTAMP) THEN CAST(t AS TIMESTAMP)
                       ELSE druid_time_floor(t, p, o) + druid_period(p) END,
     (t, p, o, tz) AS CASE WHEN druid_time_floor(t, p, o, tz) = CAST(t AS TIMESTAMP) THEN CAST(t AS TIMESTAMP)
                       ELSE druid_from_local(druid_to_local(druid_time_floor(t, p, o, tz), tz) + druid_period(p), tz) END`,
  `CREATE OR REPLACE MACRO druid_time_shift(t, p, n) AS CAST(t AS TIMESTAMP) + druid_period(p) * n,
     (t, p, n, tz) AS druid_from_local(druid_to_local(t, tz) + druid_period(p) * n, tz)`,
  // Druid: DOW is ISO (Monday = 1), MILLISECOND is within the second, EPOCH is whole seconds.
  `CREATE OR REPLACE MACRO druid_time_extract_local(t, u) AS CAST(CASE upper(u)
       WHEN 'EPOCH' THEN epoch(t)
       WHEN 'MILLISECOND' THEN millisecond(t) % 1000
       WHEN 'SECOND' THEN second(t) WHEN 'MINUTE' THEN minute(t) WHEN 'HOUR' THEN hour(t)
       WHEN 'DAY' THEN day(t) WHEN 'DOW' THEN isodow(t) WHEN 'ISODOW' THEN isodow(t) WHEN 'DOY' THEN dayofyear(t)
       WHEN 'WEEK' THEN week(t) WHEN 'MONTH' THEN month(t) WHEN 'QUARTER' THEN quarter(t)
       WHEN 'YEAR' THEN year(t) WHEN 'ISOYEAR' THEN isoyear(t) END AS BIGINT)`,
  `CREATE OR REPLACE MACRO druid_time_extract(t, u) AS druid_time_extract_local(CAST(t AS TIMESTAMP), u),
     (t, u, tz) AS druid_time_extract_local(druid_to_local(t, tz), u)`,
  `CREATE OR REPLACE MACRO druid_time_parse_utc(s) AS CAST(TRY_CAST(s AS TIMESTAMPTZ) AS TIMESTAMP)`,
  // Text without an offset is local time in tz (Druid's TIME_PARSE zone argument, or sqlTimeZone).
  `CREATE OR REPLACE MACRO druid_time_parse(s) AS druid_time_parse_utc(s),
     (s, tz) AS CASE WHEN regexp_matches(trim(s), '[0-9]:[0-9][0-9](:[0-9][0-9]([.][0-9]+)?)? *(Z|[+-][0-9][0-9](:?[0-9][0-9])?)$') THEN druid_time_parse_utc(s)
                     ELSE druid_from_local(druid_time_parse_utc(s), tz) END`,
  `CREATE OR REPLACE MACRO druid_time_format(t) AS strftime(CAST(t AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%gZ')`,
  `CREATE OR REPLACE MACRO druid_interval_of(u, n) AS CASE upper(u)
       WHEN 'MICROSECOND' THEN to_microseconds(n) WHEN 'MILLISECOND' THEN to_milliseconds(n)
       WHEN 'SECOND' THEN to_seconds(n) WHEN 'MINUTE' THEN to_minutes(n) WHEN 'HOUR' THEN to_hours(n)
       WHEN 'DAY' THEN to_days(CAST(n AS INTEGER)) WHEN 'WEEK' THEN to_weeks(CAST(n AS INTEGER))
       WHEN 'MONTH' THEN to_months(CAST(n AS INTEGER)) WHEN 'QUARTER' THEN to_months(CAST(3 * n AS INTEGER))
       WHEN 'YEAR' THEN to_years(CAST(n AS INTEGER)) END`,
  `CREATE OR REPLACE MACRO druid_timestampadd(u, n, t) AS CAST(t AS TIMESTAMP) + druid_interval_of(u, n)`,
  `CREATE OR REPLACE MACRO druid_ceil_to(u, t) AS
     CASE WHEN date_trunc(u, CAST(t AS TIMESTAMP)) = CAST(t AS TIMESTAMP) THEN CAST(t AS TIMESTAMP)
          ELSE date_trunc(u, CAST(t AS TIMESTAMP)) + druid_interval_of(u, 1) END`,
  `CREATE OR REPLACE MACRO druid_parse_long(s) AS TRY_CAST(s AS BIGINT)`,
  `CREATE OR REPLACE MACRO druid_icontains(s, x) AS contains(lower(s), lower(x))`,
];
