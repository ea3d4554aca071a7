import { GroveError } from '../errors/catalogue.js';

/**
 * Joda-Time format patterns (what Druid's TIME_FORMAT and TIME_PARSE take) to DuckDB strftime
 * patterns. Covers the letters people use for dates and times; anything else is an error rather
 * than a silently different format.
 */

const LETTERS: Record<string, string> = {
  yyyy: '%Y',
  YYYY: '%Y',
  yy: '%y',
  MMMM: '%B',
  MMM: '%b',
  MM: '%m',
  M: '%-m',
  dd: '%d',
  d: '%-d',
  DDD: '%j',
  HH: '%H',
  H: '%-H',
  hh: '%I',
  h: '%-I',
  mm: '%M',
  m: '%-M',
  ss: '%S',
  s: '%-S',
  SSSSSS: '%f',
  SSS: '%g',
  a: '%p',
  EEEE: '%A',
  EEE: '%a',
  E: '%a',
  Z: '%z',
  ZZ: '%z',
  z: '%Z',
};

export function jodaToStrftime(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      // Quoted literal text; '' is a quote.
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        out += "'";
        i += 2;
        continue;
      }
      const text = end === -1 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      out += text.replaceAll('%', '%%');
      i = end === -1 ? pattern.length : end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (j < pattern.length && pattern[j] === c) j++;
      const run = pattern.slice(i, j);
      const mapped = LETTERS[run];
      if (mapped === undefined) throw new GroveError('invalidInput', `Unsupported time format letters [${run}] in [${pattern}]`, { context: { sourceType: 'sql' } });
      out += mapped;
      i = j;
      continue;
    }
    out += c === '%' ? '%%' : c;
    i++;
  }
  return out;
}
