import { EmbeddedActionsParser, type IToken, type TokenType } from 'chevrotain';
import type { BinaryOp, Command, Expr, Field, Literal, NamePattern, OrderKey, ParamLiteral, Pos, Query } from './ast.js';
import * as T from './lexer.js';
import { parsingError } from './errors.js';

/** Units a time span literal may name (`1 hour`, `3 days`), as Elasticsearch spells them. */
export const TIME_UNITS = new Set([
  'millisecond', 'milliseconds', 'ms', 'second', 'seconds', 'sec', 's', 'minute', 'minutes', 'min', 'hour', 'hours', 'h',
  'day', 'days', 'd', 'week', 'weeks', 'w', 'month', 'months', 'mo', 'quarter', 'quarters', 'q', 'year', 'years', 'yr', 'y',
]);

const pos = (first: IToken, last: IToken = first): Pos => ({
  line: first.startLine ?? 1,
  column: first.startColumn ?? 1,
  start: first.startOffset,
  end: last.endOffset ?? last.startOffset,
});

const span = (a: Pos, b: Pos): Pos => ({ line: a.line, column: a.column, start: a.start, end: b.end });

/** The text of a quoted string token, escapes resolved as Elasticsearch resolves them. */
function stringValue(tok: IToken): string {
  if (tok.tokenType === T.TripleString) return tok.image.slice(3, -3);
  return tok.image.slice(1, -1).replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}

/** `?`, `?2` or `?name`. */
function paramOf(tok: IToken): ParamLiteral {
  const rest = tok.image.slice(1);
  return /^\d+$/.test(rest)
    ? { kind: 'param', name: null, index: Number(rest), pos: pos(tok) }
    : { kind: 'param', name: rest === '' ? null : rest, index: null, pos: pos(tok) };
}

const identifierText = (tok: IToken): string => (tok.tokenType === T.QuotedIdentifier ? tok.image.slice(1, -1).replaceAll('``', '`') : tok.image);

/**
 * The ES|QL grammar (the subset faces.md lists), written here for chevrotain: a pipeline of a
 * source command and processing commands, expressions with ES|QL's precedence (OR < AND < NOT <
 * comparison < + - < * / % < unary minus < `::`). The result is an AST with positions.
 */
class EsqlParser extends EmbeddedActionsParser {
  constructor() {
    super(T.ALL_TOKENS, { maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  query = this.RULE('query', (): Query => {
    const commands: Command[] = [this.SUBRULE(this.sourceCommand)];
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      commands.push(this.SUBRULE(this.processingCommand));
    });
    return { commands };
  });

  sourceCommand = this.RULE('sourceCommand', (): Command =>
    this.OR([
      { ALT: () => this.SUBRULE(this.fromCommand) },
      {
        ALT: () => {
          const t = this.CONSUME(T.Row);
          return { kind: 'row', fields: this.SUBRULE(this.fields), pos: pos(t) } as Command;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.Show);
          this.CONSUME(T.Info);
          return { kind: 'showInfo', pos: pos(t) } as Command;
        },
      },
    ]));

  fromCommand = this.RULE('fromCommand', (): Command => {
    const t = this.CONSUME(T.From);
    const indices: Array<{ pattern: string; pos: Pos }> = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const tok = this.OR([
          { ALT: () => this.CONSUME(T.IndexPattern) },
          { ALT: () => this.CONSUME(T.QuotedString) },
          { ALT: () => this.CONSUME(T.TripleString) },
        ]);
        this.ACTION(() => indices.push({ pattern: tok.tokenType === T.IndexPattern ? tok.image : stringValue(tok), pos: pos(tok) }));
      },
    });
    return { kind: 'from', indices, pos: pos(t) };
  });

  processingCommand = this.RULE('processingCommand', (): Command =>
    this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.Where);
          return { kind: 'where', condition: this.SUBRULE(this.expression), pos: pos(t) } as Command;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.Eval);
          return { kind: 'eval', fields: this.SUBRULE2(this.fields), pos: pos(t) } as Command;
        },
      },
      { ALT: () => this.SUBRULE(this.statsCommand) },
      { ALT: () => this.SUBRULE(this.sortCommand) },
      {
        ALT: () => {
          const t = this.CONSUME(T.Limit);
          const n = this.CONSUME(T.Integer);
          return this.ACTION(() => ({ kind: 'limit', count: BigInt(n.image), pos: pos(t) }) as Command);
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.Keep);
          return { kind: 'keep', patterns: this.SUBRULE(this.namePatterns), pos: pos(t) } as Command;
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.Drop);
          return { kind: 'drop', patterns: this.SUBRULE2(this.namePatterns), pos: pos(t) } as Command;
        },
      },
      { ALT: () => this.SUBRULE(this.renameCommand) },
      {
        ALT: () => {
          const t = this.CONSUME(T.MvExpand);
          return { kind: 'mvExpand', column: this.SUBRULE(this.qualifiedName).name, pos: pos(t) } as Command;
        },
      },
      { ALT: () => this.SUBRULE(this.dissectCommand) },
    ]));

  statsCommand = this.RULE('statsCommand', (): Command => {
    const t = this.CONSUME(T.Stats);
    let aggregates: Field[] = [];
    let groups: Field[] = [];
    this.OPTION(() => {
      aggregates = this.SUBRULE(this.fields);
    });
    this.OPTION2(() => {
      this.CONSUME(T.By);
      groups = this.SUBRULE2(this.fields);
    });
    return { kind: 'stats', aggregates, groups, pos: pos(t) };
  });

  sortCommand = this.RULE('sortCommand', (): Command => {
    const t = this.CONSUME(T.Sort);
    const keys: OrderKey[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const expr = this.SUBRULE(this.expression);
        let descending = false;
        let nullsFirst: boolean | null = null;
        this.OPTION(() => {
          descending = this.OR([{ ALT: () => (this.CONSUME(T.Asc), false) }, { ALT: () => (this.CONSUME(T.Desc), true) }]);
        });
        this.OPTION2(() => {
          this.CONSUME(T.Nulls);
          nullsFirst = this.OR2([{ ALT: () => (this.CONSUME(T.First), true) }, { ALT: () => (this.CONSUME(T.Last), false) }]);
        });
        keys.push({ expr, descending, nullsFirst });
      },
    });
    return { kind: 'sort', keys, pos: pos(t) };
  });

  renameCommand = this.RULE('renameCommand', (): Command => {
    const t = this.CONSUME(T.Rename);
    const pairs: Array<{ from: string; to: string; pos: Pos }> = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const from = this.SUBRULE(this.qualifiedName);
        this.CONSUME(T.As);
        const to = this.SUBRULE2(this.qualifiedName);
        this.ACTION(() => pairs.push({ from: from.name, to: to.name, pos: from.pos }));
      },
    });
    return { kind: 'rename', pairs, pos: pos(t) };
  });

  dissectCommand = this.RULE('dissectCommand', (): Command => {
    const t = this.CONSUME(T.Dissect);
    const input = this.SUBRULE(this.primary);
    const pattern = this.SUBRULE(this.stringLiteral);
    let appendSeparator = '';
    this.OPTION(() => {
      const name = this.CONSUME(T.Identifier);
      this.ACTION(() => {
        if (name.image.toLowerCase() !== 'append_separator') throw parsingError(pos(name), `Invalid option for dissect: [${name.image}]`);
      });
      this.CONSUME(T.Assign);
      appendSeparator = this.SUBRULE2(this.stringLiteral);
    });
    return { kind: 'dissect', input, pattern, appendSeparator, pos: pos(t) };
  });

  stringLiteral = this.RULE('stringLiteral', (): string => {
    const tok = this.OR([{ ALT: () => this.CONSUME(T.QuotedString) }, { ALT: () => this.CONSUME(T.TripleString) }]);
    return this.ACTION(() => stringValue(tok));
  });

  namePatterns = this.RULE('namePatterns', (): NamePattern[] => {
    const out: NamePattern[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => out.push(this.SUBRULE(this.namePattern)) });
    return out;
  });

  /**
   * A column name that may contain `*` wildcards (KEEP, DROP): `a*`, `*`, `ab*c`; or a param that
   * names one (`{"f": {"identifier": "a"}}` or `{"f": {"pattern": "a*"}}`).
   */
  namePattern = this.RULE('namePattern', (): NamePattern =>
    this.OR([
      {
        ALT: () => {
          const tok = this.CONSUME(T.Param);
          return this.ACTION(() => ({ pattern: tok.image, pos: pos(tok), param: paramOf(tok) }));
        },
      },
      {
        ALT: () => {
          const parts: IToken[] = [];
          this.AT_LEAST_ONE(() => {
            parts.push(this.OR2([
              { ALT: () => this.CONSUME(T.Identifier) },
              { ALT: () => this.CONSUME(T.QuotedIdentifier) },
              { ALT: () => this.CONSUME(T.Star) },
            ]));
          });
          return this.ACTION(() => ({ pattern: parts.map((p) => (p.tokenType === T.QuotedIdentifier ? identifierText(p) : p.image)).join(''), pos: pos(parts[0], parts[parts.length - 1]) }));
        },
      },
    ]));

  qualifiedName = this.RULE('qualifiedName', (): { name: string; pos: Pos } => {
    const tok = this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.QuotedIdentifier) }]);
    return this.ACTION(() => ({ name: identifierText(tok), pos: pos(tok) }));
  });

  fields = this.RULE('fields', (): Field[] => {
    const out: Field[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => out.push(this.SUBRULE(this.field)) });
    return out;
  });

  /** `name = expression`, or an expression named by its own text. */
  field = this.RULE('field', (): Field =>
    this.OR([
      {
        GATE: () => this.LA(2).tokenType === T.Assign,
        ALT: () => {
          const name = this.SUBRULE(this.qualifiedName);
          this.CONSUME(T.Assign);
          const expr = this.SUBRULE(this.expression);
          return { name: name.name, expr, pos: name.pos };
        },
      },
      {
        ALT: () => {
          const expr = this.SUBRULE2(this.expression);
          return { name: '', expr, pos: (expr as { pos: Pos }).pos };
        },
      },
    ]));

  expression = this.RULE('expression', (): Expr => {
    let left = this.SUBRULE(this.andExpression);
    this.MANY(() => {
      this.CONSUME(T.Or);
      const right = this.SUBRULE2(this.andExpression);
      left = this.ACTION(() => ({ kind: 'binary', op: 'or', left, right, pos: span(left.pos, right.pos) }) as Expr);
    });
    return left;
  });

  andExpression = this.RULE('andExpression', (): Expr => {
    let left = this.SUBRULE(this.notExpression);
    this.MANY(() => {
      this.CONSUME(T.And);
      const right = this.SUBRULE2(this.notExpression);
      left = this.ACTION(() => ({ kind: 'binary', op: 'and', left, right, pos: span(left.pos, right.pos) }) as Expr);
    });
    return left;
  });

  notExpression = this.RULE('notExpression', (): Expr =>
    this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.Not);
          const operand = this.SUBRULE(this.notExpression);
          return this.ACTION(() => ({ kind: 'unary', op: 'not', operand, pos: span(pos(t), operand.pos) }) as Expr);
        },
      },
      { ALT: () => this.SUBRULE(this.predicate) },
    ]));

  /** A value, compared or tested once: `a < b`, `a IN (...)`, `a IS NULL`, `a LIKE "x*"`. */
  predicate = this.RULE('predicate', (): Expr => {
    const value = this.SUBRULE(this.additive);
    let out: Expr = value;
    this.OPTION(() => {
      out = this.OR([
        {
          ALT: () => {
            const op = this.SUBRULE(this.comparison);
            const right = this.SUBRULE2(this.additive);
            return this.ACTION(() => ({ kind: 'binary', op, left: value, right, pos: span(value.pos, right.pos) }) as Expr);
          },
        },
        {
          ALT: () => {
            const negated = this.OPTION2(() => this.CONSUME(T.Not)) !== undefined;
            return this.OR2([
              {
                ALT: () => {
                  this.CONSUME(T.In);
                  this.CONSUME(T.LParen);
                  const list: Expr[] = [];
                  this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => list.push(this.SUBRULE3(this.additive)) });
                  const close = this.CONSUME(T.RParen);
                  return this.ACTION(() => ({ kind: 'in', value, list, negated, pos: span(value.pos, pos(close)) }) as Expr);
                },
              },
              {
                ALT: () => {
                  const regex = this.OR3([{ ALT: () => (this.CONSUME(T.Like), false) }, { ALT: () => (this.CONSUME(T.Rlike), true) }]);
                  const patternTok = this.LA(1);
                  const pattern = this.SUBRULE(this.stringLiteral);
                  return this.ACTION(() => ({ kind: 'like', value, pattern, regex, negated, pos: span(value.pos, pos(patternTok)) }) as Expr);
                },
              },
            ]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Is);
            const negated = this.OPTION3(() => this.CONSUME2(T.Not)) !== undefined;
            const n = this.CONSUME(T.Null);
            return this.ACTION(() => ({ kind: 'isNull', value, negated, pos: span(value.pos, pos(n)) }) as Expr);
          },
        },
      ]);
    });
    return out;
  });

  comparison = this.RULE('comparison', (): BinaryOp =>
    this.OR([
      { ALT: () => (this.CONSUME(T.Eq), '==' as const) },
      { ALT: () => (this.CONSUME(T.Neq), '!=' as const) },
      { ALT: () => (this.CONSUME(T.Lte), '<=' as const) },
      { ALT: () => (this.CONSUME(T.Gte), '>=' as const) },
      { ALT: () => (this.CONSUME(T.Lt), '<' as const) },
      { ALT: () => (this.CONSUME(T.Gt), '>' as const) },
    ]));

  additive = this.RULE('additive', (): Expr => {
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => (this.CONSUME(T.Plus), '+' as const) }, { ALT: () => (this.CONSUME(T.Minus), '-' as const) }]);
      const right = this.SUBRULE2(this.multiplicative);
      left = this.ACTION(() => ({ kind: 'binary', op, left, right, pos: span(left.pos, right.pos) }) as Expr);
    });
    return left;
  });

  multiplicative = this.RULE('multiplicative', (): Expr => {
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => (this.CONSUME(T.Star), '*' as const) },
        { ALT: () => (this.CONSUME(T.Slash), '/' as const) },
        { ALT: () => (this.CONSUME(T.Percent), '%' as const) },
      ]);
      const right = this.SUBRULE2(this.unary);
      left = this.ACTION(() => ({ kind: 'binary', op, left, right, pos: span(left.pos, right.pos) }) as Expr);
    });
    return left;
  });

  unary = this.RULE('unary', (): Expr =>
    this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.Minus);
          const operand = this.SUBRULE(this.unary);
          return this.ACTION(() => ({ kind: 'unary', op: '-', operand, pos: span(pos(t), operand.pos) }) as Expr);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Plus);
          return this.SUBRULE2(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.cast) },
    ]));

  cast = this.RULE('cast', (): Expr => {
    let value = this.SUBRULE(this.primary);
    this.MANY(() => {
      this.CONSUME(T.DoubleColon);
      const type = this.CONSUME(T.Identifier);
      value = this.ACTION(() => ({ kind: 'cast', value, type: type.image.toLowerCase(), pos: span(value.pos, pos(type)) }) as Expr);
    });
    return value;
  });

  primary = this.RULE('primary', (): Expr =>
    this.OR([
      { ALT: () => this.SUBRULE(this.constant) },
      {
        GATE: () => this.LA(2).tokenType === T.LParen,
        ALT: () => this.SUBRULE(this.call),
      },
      {
        ALT: () => {
          const n = this.SUBRULE(this.qualifiedName);
          return { kind: 'column', name: n.name, pos: n.pos } as Expr;
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.LParen);
          const inner = this.SUBRULE(this.expression);
          const close = this.CONSUME(T.RParen);
          // Parentheses belong to the text a bare field is named by.
          return this.ACTION(() => ({ ...inner, pos: { ...inner.pos, start: open.startOffset, end: close.startOffset } }) as Expr);
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.LBracket);
          const items: Expr[] = [];
          this.MANY_SEP({ SEP: T.Comma, DEF: () => items.push(this.SUBRULE2(this.constant)) });
          const close = this.CONSUME(T.RBracket);
          return { kind: 'list', items, pos: pos(open, close) } as Expr;
        },
      },
    ]));

  call = this.RULE('call', (): Expr => {
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    const args: Expr[] = [];
    let star = false;
    this.OPTION(() => {
      this.OR([
        { ALT: () => (this.CONSUME(T.Star), (star = true)) },
        { ALT: () => this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.expression)) }) },
      ]);
    });
    const close = this.CONSUME(T.RParen);
    return this.ACTION(() => ({ kind: 'call', name: name.image.toLowerCase(), args, star, pos: pos(name, close) }) as Expr);
  });

  constant = this.RULE('constant', (): Literal =>
    this.OR([
      { ALT: () => ({ kind: 'null', pos: pos(this.CONSUME(T.Null)) }) as Literal },
      { ALT: () => ({ kind: 'boolean', value: true, pos: pos(this.CONSUME(T.True)) }) as Literal },
      { ALT: () => ({ kind: 'boolean', value: false, pos: pos(this.CONSUME(T.False)) }) as Literal },
      {
        ALT: () => {
          const tok = this.CONSUME(T.QuotedString);
          return this.ACTION(() => ({ kind: 'string', value: stringValue(tok), pos: pos(tok) }) as Literal);
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(T.TripleString);
          return this.ACTION(() => ({ kind: 'string', value: stringValue(tok), pos: pos(tok) }) as Literal);
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(T.Param);
          return this.ACTION(() => paramOf(tok));
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(T.Decimal);
          return this.ACTION(() => ({ kind: 'decimal', value: Number(tok.image), pos: pos(tok) }) as Literal);
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(T.Integer);
          // `1 hour`: an integer followed by a time unit is a span.
          const unit = this.OPTION({
            GATE: () => this.LA(1).tokenType === T.Identifier && TIME_UNITS.has(this.LA(1).image.toLowerCase()),
            DEF: () => this.CONSUME(T.Identifier),
          });
          return this.ACTION(() => (unit
            ? { kind: 'span', amount: BigInt(tok.image), unit: unit.image.toLowerCase(), pos: pos(tok, unit) }
            : { kind: 'integer', value: BigInt(tok.image), pos: pos(tok) }) as Literal);
        },
      },
    ]));
}

const parser = new EsqlParser();

/** Parses ES|QL text; throws parsing_exception errors (`line L:C: ...`). */
export function parseEsql(text: string): Query {
  const lexed = T.esqlLexer.tokenize(text);
  if (lexed.errors.length > 0) {
    const e = lexed.errors[0];
    // An unterminated quote is reported, as ANTLR does, with the rest of its line.
    const bad = text[e.offset] === '"' || text[e.offset] === '`' ? /^[^\r\n]*/.exec(text.slice(e.offset))![0] : text.substr(e.offset, e.length);
    throw parsingError({ line: e.line ?? 1, column: e.column ?? 1, start: e.offset, end: e.offset }, `token recognition error at: '${bad}'`);
  }
  parser.input = lexed.tokens;
  const query = parser.query();
  if (parser.errors.length > 0) {
    const err = parser.errors[0];
    const tok = err.token;
    const at: Pos = tok.tokenType.name === 'EOF'
      ? endOf(text)
      : { line: tok.startLine ?? 1, column: tok.startColumn ?? 1, start: tok.startOffset, end: tok.endOffset ?? tok.startOffset };
    const found = tok.tokenType.name === 'EOF' ? '<EOF>' : tok.image;
    throw parsingError(at, `mismatched input '${found}' expecting ${expectedOf(err.message)}`);
  }
  return query;
}

/** Where the end of the text is, for errors about a statement that stops too soon. */
function endOf(text: string): Pos {
  const lines = text.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1, start: text.length, end: text.length };
}

/** The tokens chevrotain says it expected, named as ES|QL's grammar names them. */
function expectedOf(message: string): string {
  const names = new Set<string>();
  // chevrotain lists the alternatives as `1. [Where]` (a sequence: `[Is, Null]`, whose first counts)
  // or names one token as `-->Where<--`.
  for (const m of message.matchAll(/^\s*\d+\. \[([A-Za-z]+)/gm)) names.add(TOKEN_NAMES.get(m[1]) ?? m[1]);
  for (const m of message.matchAll(/-->\s*([A-Za-z]+)\s*<--/g)) names.add(TOKEN_NAMES.get(m[1]) ?? m[1]);
  const list = [...names];
  if (list.length === 0) return 'a valid token';
  return list.length === 1 ? list[0] : `{${list.join(', ')}}`;
}

const TOKEN_NAMES = new Map<string, string>(
  (T.ALL_TOKENS as TokenType[]).map((t) => {
    const src = (t.PATTERN as RegExp | undefined)?.source ?? t.name;
    const word = /^([a-z_]+)\(\?!/.exec(src)?.[1];
    const symbol: Record<string, string> = {
      Pipe: "'|'", FromPipe: "'|'", Comma: "','", LParen: "'('", RParen: "')'", LBracket: "'['", RBracket: "']'", Assign: "'='", Eq: "'=='",
      Neq: "'!='", Lt: "'<'", Lte: "'<='", Gt: "'>'", Gte: "'>='", Plus: "'+'", Minus: "'-'", Star: "'*'", Slash: "'/'", Percent: "'%'",
      DoubleColon: "'::'", Dot: "'.'", Identifier: 'UNQUOTED_IDENTIFIER', QuotedIdentifier: 'QUOTED_IDENTIFIER', QuotedString: 'QUOTED_STRING',
      TripleString: 'QUOTED_STRING', Integer: 'INTEGER_LITERAL', Decimal: 'DECIMAL_LITERAL', Param: 'PARAM', IndexPattern: 'UNQUOTED_SOURCE',
    };
    return [t.name, symbol[t.name] ?? (word ? `'${word}'` : t.name)];
  }),
);
