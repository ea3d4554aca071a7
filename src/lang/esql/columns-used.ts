import type { Command, Expr, Query } from './ast.js';

/**
 * The source columns a query can need, so FROM reads only those (segment files are columnar; the
 * async engine loads what FROM selects). Up to the first STATS or KEEP every name the query
 * mentions may be a source column; after it, only what that command passed on exists, so nothing
 * else of the source can be needed. Null when every column may be shown (no STATS or KEEP).
 */
export function columnsUsed(query: Query, params: readonly unknown[]): { names: Set<string>; patterns: string[] } | null {
  const names = new Set<string>();
  const patterns: string[] = [];
  // A `{"identifier": "x"}` param stands for a column wherever it is used.
  for (const p of params) {
    if (p === null || typeof p !== 'object' || Array.isArray(p)) continue;
    for (const v of [p, ...Object.values(p)]) {
      const { identifier, pattern } = (v ?? {}) as { identifier?: unknown; pattern?: unknown };
      if (typeof identifier === 'string') names.add(identifier);
      if (typeof pattern === 'string') patterns.push(pattern);
    }
  }
  for (const cmd of query.commands.slice(1)) {
    mentions(cmd, names, patterns);
    if (cmd.kind === 'stats' || cmd.kind === 'keep') return { names, patterns };
  }
  return null;
}

function mentions(cmd: Command, names: Set<string>, patterns: string[]): void {
  const expr = (e: Expr): void => walk(e, names);
  switch (cmd.kind) {
    case 'where':
      expr(cmd.condition);
      break;
    case 'eval':
      cmd.fields.forEach((f) => expr(f.expr));
      break;
    case 'stats':
      [...cmd.aggregates, ...cmd.groups].forEach((f) => expr(f.expr));
      break;
    case 'sort':
      cmd.keys.forEach((k) => expr(k.expr));
      break;
    case 'keep':
    case 'drop':
      for (const p of cmd.patterns) {
        if (p.pattern.includes('*')) patterns.push(p.pattern);
        else names.add(p.pattern);
      }
      break;
    case 'rename':
      cmd.pairs.forEach((p) => names.add(p.from));
      break;
    case 'mvExpand':
      names.add(cmd.column);
      break;
    case 'dissect':
      expr(cmd.input);
      break;
    default:
      break;
  }
}

function walk(e: Expr, names: Set<string>): void {
  switch (e.kind) {
    case 'column':
      names.add(e.name);
      break;
    case 'list':
      e.items.forEach((i) => walk(i, names));
      break;
    case 'call':
      e.args.forEach((a) => walk(a, names));
      break;
    case 'unary':
      walk(e.operand, names);
      break;
    case 'binary':
      walk(e.left, names);
      walk(e.right, names);
      break;
    case 'in':
      walk(e.value, names);
      e.list.forEach((i) => walk(i, names));
      break;
    case 'isNull':
    case 'like':
    case 'cast':
      walk(e.value, names);
      break;
    default:
      break;
  }
}
