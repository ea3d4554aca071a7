/**
 * A small, forgiving Druid SQL lexer for the Query view's highlighting, plus the text helpers the
 * view needs (what kind of statement a text is, 1-based line/column ↔ offset). Framework-free so
 * unit tests import it directly. Every character of the input lands in exactly one token, so the
 * tokens' texts joined give the input back; unterminated strings and comments run to the end.
 */

export type TokenType = 'keyword' | 'identifier' | 'quoted' | 'string' | 'number' | 'comment' | 'operator' | 'punctuation' | 'whitespace' | 'parameter';

export interface Token {
  readonly type: TokenType;
  readonly text: string;
  /** Offset of the first character in the input. */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
}

/** Druid SQL's reserved words and the clause words people expect coloured. */
const KEYWORDS = new Set(
  `ALL AND ANY ARRAY AS ASC BETWEEN BOTH BY CASE CAST CLUSTERED CROSS CURRENT_DATE CURRENT_TIMESTAMP DAY DEFAULT DELETE DESC
  DISTINCT ELSE END ESCAPE EXCEPT EXISTS EXPLAIN EXTEND EXTERN FALSE FETCH FILTER FIRST FOR FROM FULL GROUP GROUPING HAVING
  HOUR IN INNER INSERT INTERSECT INTERVAL INTO IS JOIN LAST LATERAL LEADING LEFT LIKE LIMIT MINUTE MONTH NATURAL NEXT NOT NULL
  NULLS OF OFFSET ON OR ORDER OUTER OVER OVERWRITE PARTITION PARTITIONED PLAN QUARTER RANGE REPLACE RIGHT ROLLUP ROW ROWS
  SECOND SELECT SET SETS SOME TABLE THEN TIME TIMESTAMP TO TRAILING TRUE UNION UNKNOWN UNNEST USING VALUES WEEK WHEN WHERE
  WINDOW WITH WITHIN YEAR`.split(/\s+/),
);

const OPERATORS = ['<>', '<=', '>=', '!=', '||', '=>', '::', '=', '<', '>', '+', '-', '*', '/', '%', '!', '^', '~', '&', '|'];

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isIdentStart = (c: string): boolean => /[A-Za-z_\u0080-\uffff]/.test(c);
const isIdentPart = (c: string): boolean => /[A-Za-z0-9_$\u0080-\uffff]/.test(c);

/** Offset just past a quoted run starting at `i` (a doubled quote is an escaped one). */
function quotedEnd(sql: string, i: number, quote: string): number {
  let j = i + 1;
  while (j < sql.length) {
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}

function numberEnd(sql: string, i: number): number {
  let j = i;
  while (isDigit(sql[j] ?? '')) j++;
  if (sql[j] === '.' && isDigit(sql[j + 1] ?? '')) {
    j++;
    while (isDigit(sql[j] ?? '')) j++;
  }
  if ((sql[j] === 'e' || sql[j] === 'E') && (isDigit(sql[j + 1] ?? '') || (/[+-]/.test(sql[j + 1] ?? '') && isDigit(sql[j + 2] ?? '')))) {
    j += 2;
    while (isDigit(sql[j] ?? '')) j++;
  }
  return j;
}

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (type: TokenType, end: number): void => {
    out.push({ type, text: sql.slice(i, end), start: i, end });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1] ?? '';
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /\s/.test(sql[j])) j++;
      push('whitespace', j);
    } else if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      push('comment', nl === -1 ? sql.length : nl);
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      push('comment', close === -1 ? sql.length : close + 2);
    } else if (c === "'") {
      push('string', quotedEnd(sql, i, "'"));
    } else if ((c === 'U' || c === 'u' || c === 'X' || c === 'x') && (next === "'" || (next === '&' && sql[i + 2] === "'"))) {
      // U&'unicode' and X'hex' literals
      push('string', quotedEnd(sql, next === '&' ? i + 2 : i + 1, "'"));
    } else if (c === '"') {
      push('quoted', quotedEnd(sql, i, '"'));
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      push('number', numberEnd(sql, c === '.' ? i + 1 : i));
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < sql.length && isIdentPart(sql[j])) j++;
      push(KEYWORDS.has(sql.slice(i, j).toUpperCase()) ? 'keyword' : 'identifier', j);
    } else if (c === '?') {
      push('parameter', i + 1);
    } else {
      const op = OPERATORS.find((o) => sql.startsWith(o, i));
      push(op ? 'operator' : 'punctuation', i + (op?.length ?? 1));
    }
  }
  return out;
}

export type StatementKind = 'insert' | 'replace' | 'select' | 'explain' | 'other';

/**
 * What a text asks for, from its first keyword (comments and opening parentheses skipped): INSERT
 * and REPLACE are ingestion, SELECT / WITH / VALUES read, EXPLAIN explains.
 */
export function statementKind(sql: string): StatementKind {
  const first = tokenize(sql).find((t) => t.type !== 'whitespace' && t.type !== 'comment' && t.text !== '(');
  switch (first?.text.toUpperCase()) {
    case 'INSERT':
      return 'insert';
    case 'REPLACE':
      return 'replace';
    case 'SELECT':
    case 'WITH':
    case 'VALUES':
      return 'select';
    case 'EXPLAIN':
      return 'explain';
    default:
      return 'other';
  }
}

/** Offset of 1-based (line, column) in `text`, clamped to the text. */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const max = lineEnd === -1 ? text.length : lineEnd;
  return Math.min(offset + Math.max(0, column - 1), max);
}

/** 1-based line and column of an offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * The text span a Druid SQL error points at: line/column to endLine/endColumn (inclusive, as
 * Calcite reports them), or the token at line/column when there is no end. Null without a position.
 */
export function errorSpan(text: string, pos: { line?: number; column?: number; endLine?: number; endColumn?: number }): Span | null {
  if (!pos.line || !pos.column || text.length === 0) return null;
  // A position past the end (an unexpected end of input) marks the last character.
  const start = Math.min(offsetOf(text, pos.line, pos.column), text.length - 1);
  if (pos.endLine && pos.endColumn) {
    const end = offsetOf(text, pos.endLine, pos.endColumn) + 1;
    if (end > start) return { start, end: Math.min(end, text.length) };
  }
  const token = tokenize(text).find((t) => t.start <= start && start < t.end && t.type !== 'whitespace');
  return { start, end: token ? token.end : start + 1 };
}
