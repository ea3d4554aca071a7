import { invalidInput } from '../core/errors.js';

/**
 * Tokenizer and parser for Druid's native expression language (transformSpec transforms and the
 * `expression` filter). Precedence follows Druid's Expr.g4: unary binds tightest, then `^` (right
 * associative), `* / %`, `+ -`, comparisons, and `&& ||` (one level, left associative).
 * The result is an AST; expr-sql.ts turns it into DuckDB SQL. User text never reaches SQL directly.
 */

export type Expr =
  | { readonly kind: 'ident'; readonly name: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'long'; readonly text: string }
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'null' }
  | { readonly kind: 'unary'; readonly op: '-' | '!'; readonly arg: Expr }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[] };

type Tok =
  | { t: 'num'; text: string; pos: number }
  | { t: 'str'; value: string; pos: number }
  | { t: 'id'; value: string; quoted: boolean; pos: number }
  | { t: 'op'; value: string; pos: number }
  | { t: 'end'; pos: number };

const OPS = ['&&', '||', '<=', '>=', '==', '!=', '<', '>', '+', '-', '*', '/', '%', '^', '!', '(', ')', ',', '[', ']'];
const MAX_LENGTH = 10_000;
const MAX_DEPTH = 100;

class ParseError extends Error {}

function unescape(body: string, pos: number): string {
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' };
    if (c === 'u') throw new ParseError(`bad \\u escape at position ${pos}`);
    return map[c] ?? c;
  });
}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', text: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new ParseError(`unterminated ${c === "'" ? 'string literal' : 'quoted identifier'} starting at position ${i}`);
      const value = unescape(src.slice(i + 1, j), i);
      out.push(c === "'" ? { t: 'str', value, pos: i } : { t: 'id', value, quoted: true, pos: i });
      i = j + 1;
      continue;
    }
    const id = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', value: id[0], quoted: false, pos: i });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ParseError(`unexpected character '${c}' at position ${i}`);
    out.push({ t: 'op', value: op, pos: i });
    i += op.length;
  }
  out.push({ t: 'end', pos: src.length });
  return out;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i];
  }
  private isOp(...ops: string[]): string | null {
    const t = this.peek();
    return t.t === 'op' && ops.includes(t.value) ? t.value : null;
  }
  private expect(op: string): void {
    if (!this.isOp(op)) throw new ParseError(`expected '${op}' ${this.where()}`);
    this.i++;
  }
  private where(): string {
    const t = this.peek();
    if (t.t === 'end') return 'at the end of the expression';
    const text = t.t === 'num' ? t.text : t.t === 'str' ? `'${t.value}'` : t.value;
    return `but found '${text}' at position ${t.pos}`;
  }

  parseAll(): Expr {
    const e = this.logical();
    if (this.peek().t !== 'end') throw new ParseError(`unexpected token ${this.where().replace('but found ', '')}`);
    return e;
  }

  private nest<T>(f: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new ParseError(`expression nests deeper than ${MAX_DEPTH} levels`);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private binaryLevel(ops: string[], next: () => Expr): Expr {
    let left = next();
    for (let op = this.isOp(...ops); op; op = this.isOp(...ops)) {
      this.i++;
      left = { kind: 'binary', op, left, right: next() };
    }
    return left;
  }
  private logical = (): Expr => this.nest(() => this.binaryLevel(['&&', '||'], this.comparison));
  private comparison = (): Expr => this.binaryLevel(['<', '<=', '>', '>=', '==', '!='], this.additive);
  private additive = (): Expr => this.binaryLevel(['+', '-'], this.multiplicative);
  private multiplicative = (): Expr => this.binaryLevel(['*', '/', '%'], this.power);

  private power = (): Expr => {
    const left = this.unary();
    if (!this.isOp('^')) return left;
    this.i++;
    return { kind: 'binary', op: '^', left, right: this.nest(this.power) };
  };

  private unary = (): Expr => {
    const op = this.isOp('-', '!') as '-' | '!' | null;
    if (!op) return this.primary();
    this.i++;
    const arg = this.nest(this.unary);
    if (op === '-' && arg.kind === 'long' && !arg.text.startsWith('-')) return { kind: 'long', text: `-${arg.text}` };
    if (op === '-' && arg.kind === 'double') return { kind: 'double', value: -arg.value };
    return { kind: 'unary', op, arg };
  };

  private primary(): Expr {
    const t = this.peek();
    if (t.t === 'num') {
      this.i++;
      return /[.eE]/.test(t.text) ? { kind: 'double', value: Number(t.text) } : { kind: 'long', text: t.text };
    }
    if (t.t === 'str') {
      this.i++;
      return { kind: 'string', value: t.value };
    }
    if (t.t === 'id') {
      this.i++;
      if (!t.quoted && t.value === 'null') return { kind: 'null' };
      if (!t.quoted && this.isOp('(')) {
        this.i++;
        const args: Expr[] = [];
        if (!this.isOp(')')) {
          args.push(this.logical());
          while (this.isOp(',')) {
            this.i++;
            args.push(this.logical());
          }
        }
        this.expect(')');
        return { kind: 'call', name: t.value.toLowerCase(), args };
      }
      return { kind: 'ident', name: t.value };
    }
    if (this.isOp('(')) {
      this.i++;
      const e = this.logical();
      this.expect(')');
      return e;
    }
    if (this.isOp('[')) throw new ParseError(`array literals are not supported (position ${t.pos})`);
    throw new ParseError(`expected a value ${this.where()}`);
  }
}

/** Parses Druid expression text; `what` names the spec field for the error message. */
export function parseExpression(text: unknown, what: string): Expr {
  if (typeof text !== 'string' || text.trim() === '') throw invalidInput(`${what} must be a non-empty expression string, got ${JSON.stringify(text)}`);
  if (text.length > MAX_LENGTH) throw invalidInput(`${what} is longer than ${MAX_LENGTH} characters`);
  try {
    return new Parser(tokenize(text)).parseAll();
  } catch (e) {
    if (e instanceof ParseError) throw invalidInput(`${what}: cannot parse expression [${text}]: ${e.message}`);
    throw e;
  }
}

/** Names of the columns an expression reads (for deciding which input fields to extract). */
export function identifiersOf(e: Expr, into = new Set<string>()): Set<string> {
  switch (e.kind) {
    case 'ident':
      into.add(e.name);
      break;
    case 'unary':
      identifiersOf(e.arg, into);
      break;
    case 'binary':
      identifiersOf(e.left, into);
      identifiersOf(e.right, into);
      break;
    case 'call':
      for (const a of e.args) identifiersOf(a, into);
      break;
    default:
      break;
  }
  return into;
}
