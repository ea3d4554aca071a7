import { describe, expect, it } from 'vitest';
import { errorSpan, offsetOf, positionOf, statementKind, tokenize, type TokenType } from '../../console/src/views/query/sql-lexer.ts';

/** The Query view's SQL lexer and text helpers (console/src/views/query/sql-lexer.ts). */

const typed = (sql: string): Array<[TokenType, string]> => tokenize(sql).filter((t) => t.type !== 'whitespace').map((t) => [t.type, t.text]);

describe('console SQL lexer', () => {
  it('splits a statement into keywords, identifiers, strings, quoted identifiers, numbers and operators', () => {
    expect(typed(`SELECT "page", COUNT(*) AS n FROM wiki WHERE added >= 1.5e3 AND city <> 'O''Hare'`)).toEqual([
      ['keyword', 'SELECT'], ['quoted', '"page"'], ['punctuation', ','], ['identifier', 'COUNT'], ['punctuation', '('],
      ['operator', '*'], ['punctuation', ')'], ['keyword', 'AS'], ['identifier', 'n'], ['keyword', 'FROM'], ['identifier', 'wiki'],
      ['keyword', 'WHERE'], ['identifier', 'added'], ['operator', '>='], ['number', '1.5e3'], ['keyword', 'AND'],
      ['identifier', 'city'], ['operator', '<>'], ['string', "'O''Hare'"],
    ]);
  });

  it('is case-insensitive for keywords and knows the ingestion clauses', () => {
    expect(typed('insert into t select 1 partitioned by day clustered by x').filter(([t]) => t === 'keyword').map(([, s]) => s)).toEqual([
      'insert', 'into', 'select', 'partitioned', 'by', 'day', 'clustered', 'by',
    ]);
    expect(typed("replace into t overwrite all select * from table(inline(data => array['a'], format => 'csv')) extend (x varchar)")).toContainEqual(['operator', '=>']);
  });

  it('reads line and block comments, parameters, and numbers that start with a dot', () => {
    expect(typed('-- note\nSELECT /* a\nb */ ?, .5 FROM t')).toEqual([
      ['comment', '-- note'], ['keyword', 'SELECT'], ['comment', '/* a\nb */'], ['parameter', '?'], ['punctuation', ','],
      ['number', '.5'], ['keyword', 'FROM'], ['identifier', 't'],
    ]);
  });

  it('never loses a character: unterminated strings, quotes and comments run to the end', () => {
    for (const sql of ["SELECT 'abc", 'SELECT "a""b', 'SELECT 1 /* open', "SELECT U&'\\00e9' || X'ff'", 'a\tb\r\nc ¿ é', '']) {
      const tokens = tokenize(sql);
      expect(tokens.map((t) => t.text).join('')).toBe(sql);
      tokens.forEach((t, i) => expect(t.start).toBe(i === 0 ? 0 : tokens[i - 1].end));
    }
    expect(tokenize("SELECT 'abc").at(-1)).toMatchObject({ type: 'string', text: "'abc" });
    expect(tokenize('x /* open').at(-1)).toMatchObject({ type: 'comment', text: '/* open' });
    expect(typed("U&'x' X'ff'")).toEqual([['string', "U&'x'"], ['string', "X'ff'"]]);
  });

  it('tells ingestion from reads by the first keyword', () => {
    expect(statementKind('INSERT INTO t SELECT 1 PARTITIONED BY DAY')).toBe('insert');
    expect(statementKind('-- comment\n  /* more */ replace into t overwrite all select 1')).toBe('replace');
    expect(statementKind('(SELECT 1)')).toBe('select');
    expect(statementKind('WITH a AS (SELECT 1) SELECT * FROM a')).toBe('select');
    expect(statementKind('EXPLAIN PLAN FOR SELECT 1')).toBe('explain');
    expect(statementKind('DELETE FROM t')).toBe('other');
    expect(statementKind('   ')).toBe('other');
  });

  it('maps 1-based lines and columns to offsets and back', () => {
    const text = 'SELECT page\nFROM nope\nWHERE x';
    expect(offsetOf(text, 1, 1)).toBe(0);
    expect(offsetOf(text, 2, 6)).toBe(text.indexOf('nope'));
    expect(offsetOf(text, 2, 99)).toBe(text.indexOf('\nWHERE'));
    expect(offsetOf(text, 9, 1)).toBe(text.length);
    expect(positionOf(text, text.indexOf('nope'))).toEqual({ line: 2, column: 6 });
    expect(positionOf(text, 0)).toEqual({ line: 1, column: 1 });
  });

  it('finds the span a SQL error points at: inclusive end, or the token at the position', () => {
    const text = 'SELECT page\nFROM nope';
    const nope = text.indexOf('nope');
    expect(errorSpan(text, { line: 2, column: 6, endLine: 2, endColumn: 9 })).toEqual({ start: nope, end: nope + 4 });
    expect(errorSpan(text, { line: 2, column: 6 })).toEqual({ start: nope, end: nope + 4 });
    expect(errorSpan('SELEC page FROM t', { line: 1, column: 12, endLine: 1, endColumn: 15 })).toEqual({ start: 11, end: 15 });
    expect(errorSpan(text, { line: 5, column: 1 })).toEqual({ start: text.length - 1, end: text.length });
    expect(errorSpan(text, {})).toBeNull();
    expect(errorSpan('', { line: 1, column: 1 })).toBeNull();
  });
});
