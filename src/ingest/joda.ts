import { invalidInput } from '../errors/catalogue.js';

/**
 * Druid takes Joda-Time patterns (`yyyy-MM-dd HH:mm:ss`) for timestampSpec.format and
 * timestamp_parse/timestamp_format; DuckDB takes strftime codes. This converts the common letters
 * and refuses the rest by name, rather than parsing dates wrongly.
 */

const LETTERS: Record<string, (n: number) => string | null> = {
  y: (n) => (n === 2 ? '%y' : '%Y'),
  Y: (n) => (n === 2 ? '%y' : '%Y'),
  u: (n) => (n === 2 ? '%y' : '%Y'),
  M: (n) => (n >= 4 ? '%B' : n === 3 ? '%b' : '%m'),
  d: () => '%d',
  H: () => '%H',
  k: () => '%H',
  h: () => '%I',
  K: () => '%I',
  m: () => '%M',
  s: () => '%S',
  S: (n) => (n <= 3 ? '%g' : n <= 6 ? '%f' : '%n'),
  a: () => '%p',
  E: (n) => (n >= 4 ? '%A' : '%a'),
  D: () => '%j',
  Z: () => '%z',
  z: () => '%Z',
};

export function jodaToStrftime(pattern: string, what: string): string {
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
      out += pattern.slice(i + 1, end).replace(/%/g, '%%');
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let n = 1;
      while (pattern[i + n] === c) n++;
      const code = LETTERS[c]?.(n) ?? null;
      if (code === null) throw invalidInput(`${what} [${pattern}] uses the pattern letter '${c}', which Grove does not support`);
      out += code;
      i += n;
      continue;
    }
    out += c === '%' ? '%%' : c;
    i++;
  }
  return out;
}
