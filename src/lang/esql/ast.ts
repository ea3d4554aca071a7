/**
 * The ES|QL syntax tree the parser builds. Every node carries the position of its first token
 * (1-based line and column), which verification errors quote as `line L:C`.
 */

export interface Pos {
  readonly line: number;
  readonly column: number;
  /** Offsets of the node's first and last characters in the query text. */
  readonly start: number;
  readonly end: number;
}

export type Literal =
  | { readonly kind: 'null'; readonly pos: Pos }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly pos: Pos }
  | { readonly kind: 'integer'; readonly value: bigint; readonly pos: Pos }
  | { readonly kind: 'decimal'; readonly value: number; readonly pos: Pos }
  | { readonly kind: 'string'; readonly value: string; readonly pos: Pos }
  /** A time span such as `1 hour` or `3 days`: `unit` as written, lower case. */
  | { readonly kind: 'span'; readonly amount: bigint; readonly unit: string; readonly pos: Pos }
  | ParamLiteral;

/** `?`, `?1` or `?name`: filled from the request's params. */
export interface ParamLiteral {
  readonly kind: 'param';
  readonly name: string | null;
  readonly index: number | null;
  readonly pos: Pos;
}

/** A KEEP/DROP name, `*` wildcards allowed, or a param standing for one. */
export interface NamePattern {
  readonly pattern: string;
  readonly pos: Pos;
  readonly param?: ParamLiteral;
}

export type Expr =
  | Literal
  | { readonly kind: 'list'; readonly items: readonly Expr[]; readonly pos: Pos }
  | { readonly kind: 'column'; readonly name: string; readonly pos: Pos }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly star: boolean; readonly pos: Pos }
  | { readonly kind: 'unary'; readonly op: '-' | 'not'; readonly operand: Expr; readonly pos: Pos }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly pos: Pos }
  | { readonly kind: 'in'; readonly value: Expr; readonly list: readonly Expr[]; readonly negated: boolean; readonly pos: Pos }
  | { readonly kind: 'isNull'; readonly value: Expr; readonly negated: boolean; readonly pos: Pos }
  | { readonly kind: 'like'; readonly value: Expr; readonly pattern: string; readonly regex: boolean; readonly negated: boolean; readonly pos: Pos }
  | { readonly kind: 'cast'; readonly value: Expr; readonly type: string; readonly pos: Pos };

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

/** `name = expr`, or a bare `expr` named by its own text. */
export interface Field {
  readonly name: string;
  readonly expr: Expr;
  readonly pos: Pos;
}

export interface OrderKey {
  readonly expr: Expr;
  readonly descending: boolean;
  /** null: ES|QL's default (nulls last ascending, first descending). */
  readonly nullsFirst: boolean | null;
}

export type Command =
  | { readonly kind: 'from'; readonly indices: ReadonlyArray<{ readonly pattern: string; readonly pos: Pos }>; readonly pos: Pos }
  | { readonly kind: 'row'; readonly fields: readonly Field[]; readonly pos: Pos }
  | { readonly kind: 'showInfo'; readonly pos: Pos }
  | { readonly kind: 'where'; readonly condition: Expr; readonly pos: Pos }
  | { readonly kind: 'eval'; readonly fields: readonly Field[]; readonly pos: Pos }
  | { readonly kind: 'stats'; readonly aggregates: readonly Field[]; readonly groups: readonly Field[]; readonly pos: Pos }
  | { readonly kind: 'sort'; readonly keys: readonly OrderKey[]; readonly pos: Pos }
  | { readonly kind: 'limit'; readonly count: bigint; readonly pos: Pos }
  | { readonly kind: 'keep'; readonly patterns: readonly NamePattern[]; readonly pos: Pos }
  | { readonly kind: 'drop'; readonly patterns: readonly NamePattern[]; readonly pos: Pos }
  | { readonly kind: 'rename'; readonly pairs: ReadonlyArray<{ readonly from: string; readonly to: string; readonly pos: Pos }>; readonly pos: Pos }
  | { readonly kind: 'mvExpand'; readonly column: string; readonly pos: Pos }
  | { readonly kind: 'dissect'; readonly input: Expr; readonly pattern: string; readonly appendSeparator: string; readonly pos: Pos };

export interface Query {
  readonly commands: readonly Command[];
}
