/**
 * Just enough lexing of the raw SQL text for what the parser (druid-query-toolkit) cannot tell us:
 * which statement keyword follows the SET prefix, where a REPLACE lacks its OVERWRITE clause, and
 * which named-argument labels (`filter => ...`) collide with the toolkit's reserved words.
 *
 * `maskSql` keeps every offset: string literals, quoted identifiers and comments are blanked to
 * spaces (quotes kept), so regular expressions over the mask never match inside them.
 */

export function maskSql(sql: string): string {
  const out = sql.split('');
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      blank(i + 1, Math.min(j, sql.length));
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const j = end < 0 ? sql.length : end;
      blank(i, j);
      i = j;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const j = end < 0 ? sql.length : end + 2;
      blank(i, j);
      i = j;
    } else i++;
  }
  return out.join('');
}

/** Offset where the statement proper starts, after `SET k = v;` prefixes (on the masked text). */
export function statementStart(masked: string): number {
  const m = /^(?:\s*SET\s[^;]*;)*\s*/i.exec(masked);
  return m ? m[0].length : 0;
}

export interface LabelQuoting {
  /** The SQL with those words in double quotes. */
  readonly text: string;
  /** Maps an offset in `text` back to the user's SQL. */
  readonly toOriginal: (offset: number) => number;
}

/**
 * Quotes words Druid (Calcite) reads as identifiers but the toolkit's grammar does not: labels of
 * named arguments (`localfiles(filter => '*.csv')`; the toolkit reserves FILTER for aggregate
 * filters) and names containing `$` (`AS EXPR$0`). A quoted name means the same to both, as
 * Druid's unquoted identifiers keep their case. Parse error offsets map back via `toOriginal`.
 */
export function quoteLabels(sql: string, masked: string): LabelQuoting {
  const re = /(?<!["\w$])(?:[A-Za-z_][A-Za-z0-9_$]*(?=\s*=>)|[A-Za-z_][A-Za-z0-9_]*\$[A-Za-z0-9_$]*)/g;
  const inserted: number[] = [];
  let text = '';
  let last = 0;
  for (let m = re.exec(masked); m; m = re.exec(masked)) {
    text += sql.slice(last, m.index);
    inserted.push(text.length);
    text += `"${sql.slice(m.index, m.index + m[0].length)}`;
    inserted.push(text.length);
    text += '"';
    last = m.index + m[0].length;
  }
  text += sql.slice(last);
  return { text, toOriginal: (offset) => offset - inserted.filter((q) => q < offset).length };
}

/** 1-based line and column of an offset, as Druid reports positions. */
export function lineColumn(sql: string, offset: number): { line: number; column: number } {
  const before = sql.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
