import { invalidInput } from '../core/errors.js';

/**
 * Druid takes Joda-Time patterns (`yyyy-MM-dd HH:mm:ss`) in timestampSpec.format, the
 * timestamp_parse/timestamp_format expressions and SQL's TIME_PARSE/TIME_FORMAT; DuckDB takes
 * strftime codes. One converter for all of them: the common letters are mapped (a single letter is
 * unpadded, as in Joda; DuckDB's strptime reads `%-d` and `%d` alike) and anything else is refused
 * by name rather than parsed or printed differently.
 */

const padded = (n: number, two: string, one: string): string => (n >= 2 ? two : one);

const LETTERS: Record<string, (n: number) => string> = {
  y: (n) => (n === 2 ? '%y' : '%Y'),
  Y: (n) => (n === 2 ? '%y' : '%Y'),
  u: (n) => (n === 2 ? '%y' : '%Y'),
  M: (n) => (n >= 4 ? '%B' : n === 3 ? '%b' : padded(n, '%m', '%-m')),
  d: (n) => padded(n, '%d', '%-d'),
  D: () => '%j',
  H: (n) => padded(n, '%H', '%-H'),
  k: (n) => padded(n, '%H', '%-H'),
  h: (n) => padded(n, '%I', '%-I'),
  K: (n) => padded(n, '%I', '%-I'),
  m: (n) => padded(n, '%M', '%-M'),
  s: (n) => padded(n, '%S', '%-S'),
  S: (n) => (n <= 3 ? '%g' : n <= 6 ? '%f' : '%n'),
  a: () => '%p',
  E: (n) => (n >= 4 ? '%A' : '%a'),
  Z: () => '%z',
  z: () => '%Z',
};

/** `what` names where the pattern came from, for the error message. */
export function jodaToStrftime(pattern: string, what = 'time format'): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      // Quoted literal text; '' is a single quote.
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        out += "'";
        i += 2;
        continue;
      }
      if (end < 0) throw invalidInput(`${what} [${pattern}] has an unterminated quoted literal`);
      out += pattern.slice(i + 1, end).replaceAll('%', '%%');
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let n = 1;
      while (pattern[i + n] === c) n++;
      const code = LETTERS[c]?.(n);
      if (code === undefined) throw invalidInput(`${what} [${pattern}] uses the pattern letter '${c}', which Grove does not support`);
      out += code;
      i += n;
      continue;
    }
    out += c === '%' ? '%%' : c;
    i++;
  }
  return out;
}
