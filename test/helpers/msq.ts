/** The seed's MSQ statement (druid-sql-ingestion-api.md) and rows shaped like its wikipedia input. */

/** The 24-column signature of the seed's INSERT. */
export const SEED_SIGNATURE = [
  ['added', 'long'], ['channel', 'string'], ['cityName', 'string'], ['comment', 'string'], ['commentLength', 'long'],
  ['countryIsoCode', 'string'], ['countryName', 'string'], ['deleted', 'long'], ['delta', 'long'], ['deltaBucket', 'string'],
  ['diffUrl', 'string'], ['flags', 'string'], ['isAnonymous', 'string'], ['isMinor', 'string'], ['isNew', 'string'],
  ['isRobot', 'string'], ['isUnpatrolled', 'string'], ['metroCode', 'string'], ['namespace', 'string'], ['page', 'string'],
  ['regionIsoCode', 'string'], ['regionName', 'string'], ['timestamp', 'string'], ['user', 'string'],
].map(([name, type]) => ({ name, type }));

export function wikiRows(n: number, day = '2016-06-27'): object[] {
  return Array.from({ length: n }, (_, i) => ({
    added: i, channel: `#c${i % 3}`, cityName: null, comment: `c${i}`, commentLength: 2, countryIsoCode: null, countryName: null,
    deleted: 0, delta: i, deltaBucket: '0', diffUrl: 'u', flags: '', isAnonymous: 'false', isMinor: 'false', isNew: 'false',
    isRobot: 'false', isUnpatrolled: 'false', metroCode: null, namespace: 'Main', page: `page${i % 5}`, regionIsoCode: null,
    regionName: null, timestamp: `${day}T${String(i % 24).padStart(2, '0')}:00:00Z`, user: `u${i % 7}`,
  }));
}

/** The seed's INSERT over http URIs, into `table`. */
export const seedInsert = (table: string, uris: string[], verb = 'INSERT INTO'): string => `${verb} ${table}
SELECT
  TIME_PARSE("timestamp") AS __time,
  *
FROM TABLE(
  EXTERN(
    '${JSON.stringify({ type: 'http', uris })}',
    '{"type": "json"}',
    '${JSON.stringify(SEED_SIGNATURE)}'
  )
)
PARTITIONED BY DAY`;

/** An inline CSV table function with an EXTEND signature. */
export const inline = (rows: string[], columns: string): string =>
  `TABLE(inline(data => ARRAY[${rows.map((r) => `'${r}'`).join(', ')}], format => 'csv')) EXTEND (${columns})`;
