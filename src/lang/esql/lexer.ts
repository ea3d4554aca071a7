import { createToken, Lexer, type TokenType } from 'chevrotain';

/**
 * ES|QL tokens. Keywords are case-insensitive and give way to longer identifiers (`fromage` is a
 * name). After FROM the lexer reads index patterns (`logs-*`, `.ds`) until the next pipe, as
 * Elasticsearch's own grammar does with a lexer mode.
 */

const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_@][A-Za-z0-9_.@]*/ });

function keyword(name: string, word = name): TokenType {
  return createToken({ name, pattern: new RegExp(`${word}(?![A-Za-z0-9_.@])`, 'i'), longer_alt: Identifier });
}

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED });

export const Pipe = createToken({ name: 'Pipe', pattern: /\|/ });
export const From = createToken({ name: 'From', pattern: /from(?![A-Za-z0-9_.@])/i, longer_alt: Identifier, push_mode: 'from' });
export const Row = keyword('Row', 'row');
export const Show = keyword('Show', 'show');
export const Info = keyword('Info', 'info');
export const Where = keyword('Where', 'where');
export const Eval = keyword('Eval', 'eval');
export const Stats = keyword('Stats', 'stats');
export const By = keyword('By', 'by');
export const Sort = keyword('Sort', 'sort');
export const Asc = keyword('Asc', 'asc');
export const Desc = keyword('Desc', 'desc');
export const Nulls = keyword('Nulls', 'nulls');
export const First = keyword('First', 'first');
export const Last = keyword('Last', 'last');
export const Limit = keyword('Limit', 'limit');
export const Keep = keyword('Keep', 'keep');
export const Drop = keyword('Drop', 'drop');
export const Rename = keyword('Rename', 'rename');
export const As = keyword('As', 'as');
export const MvExpand = keyword('MvExpand', 'mv_expand');
export const Dissect = keyword('Dissect', 'dissect');
export const And = keyword('And', 'and');
export const Or = keyword('Or', 'or');
export const Not = keyword('Not', 'not');
export const In = keyword('In', 'in');
export const Is = keyword('Is', 'is');
export const Null = keyword('Null', 'null');
export const Like = keyword('Like', 'like');
export const Rlike = keyword('Rlike', 'rlike');
export const True = keyword('True', 'true');
export const False = keyword('False', 'false');

export const QuotedIdentifier = createToken({ name: 'QuotedIdentifier', pattern: /`(?:[^`]|``)*`/ });
export const TripleString = createToken({ name: 'TripleString', pattern: /"""[\s\S]*?"""(?!")/ });
export const QuotedString = createToken({ name: 'QuotedString', pattern: /"(?:\\.|[^"\\\r\n])*"/ });
export const Decimal = createToken({ name: 'Decimal', pattern: /(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+/ });
export const Integer = createToken({ name: 'Integer', pattern: /\d+/ });
export const Param = createToken({ name: 'Param', pattern: /\?(?:\d+|[A-Za-z_][A-Za-z0-9_]*)?/ });

export const DoubleColon = createToken({ name: 'DoubleColon', pattern: /::/ });
export const Eq = createToken({ name: 'Eq', pattern: /==/ });
export const Neq = createToken({ name: 'Neq', pattern: /!=/ });
export const Lte = createToken({ name: 'Lte', pattern: /<=/ });
export const Gte = createToken({ name: 'Gte', pattern: />=/ });
export const Lt = createToken({ name: 'Lt', pattern: /</ });
export const Gt = createToken({ name: 'Gt', pattern: />/ });
export const Assign = createToken({ name: 'Assign', pattern: /=/ });
export const Plus = createToken({ name: 'Plus', pattern: /\+/ });
export const Minus = createToken({ name: 'Minus', pattern: /-/ });
export const Star = createToken({ name: 'Star', pattern: /\*/ });
export const Slash = createToken({ name: 'Slash', pattern: /\// });
export const Percent = createToken({ name: 'Percent', pattern: /%/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /]/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });

/** An index name or pattern after FROM: anything but separators, quotes and the pipe. */
export const IndexPattern = createToken({ name: 'IndexPattern', pattern: /[^\s,|"`()[\]]+/ });
const FromPipe = createToken({ name: 'FromPipe', pattern: /\|/, pop_mode: true, categories: [Pipe] });

const KEYWORDS = [Row, Show, Info, Where, Eval, Stats, By, Sort, Asc, Desc, Nulls, First, Last, Limit, Keep, Drop, Rename, As, MvExpand,
  Dissect, And, Or, Not, In, Is, Null, Like, Rlike, True, False];

const DEFAULT_MODE = [WhiteSpace, LineComment, BlockComment, Pipe, From, ...KEYWORDS, QuotedIdentifier, TripleString, QuotedString, Decimal,
  Integer, Param, DoubleColon, Eq, Neq, Lte, Gte, Lt, Gt, Assign, Plus, Minus, Star, Slash, Percent, LParen, RParen, LBracket, RBracket, Comma,
  Identifier, Dot];

const FROM_MODE = [WhiteSpace, LineComment, BlockComment, FromPipe, Comma, QuotedString, TripleString, IndexPattern];

export const ALL_TOKENS: TokenType[] = [...new Set([...DEFAULT_MODE, ...FROM_MODE, Identifier])];

export const esqlLexer = new Lexer({ modes: { main: DEFAULT_MODE, from: FROM_MODE }, defaultMode: 'main' }, { positionTracking: 'full', ensureOptimizations: false });

export { Identifier, FromPipe };
