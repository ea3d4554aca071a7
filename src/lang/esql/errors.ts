import { GroveError } from '../../core/errors.js';
import type { Pos } from './ast.js';

/**
 * ES|QL's two kinds of statement errors, as Elasticsearch words them: a syntax error is
 * `line L:C: <message>`; semantic problems are gathered and reported together as
 * `Found N problem(s)\nline L:C: <message>...`. The face shows them as parsing_exception and
 * verification_exception (context `esql`).
 */

export function parsingError(at: Pos, message: string): GroveError {
  return new GroveError('invalidInput', `line ${at.line}:${at.column}: ${message}`, { context: { esql: 'parsing' } });
}

export interface Problem {
  readonly pos: Pos;
  readonly message: string;
}

export function verificationError(problems: readonly Problem[]): GroveError {
  const head = problems.length === 1 ? 'Found 1 problem' : `Found ${problems.length} problems`;
  const lines = problems.map((p) => `line ${p.pos.line}:${p.pos.column}: ${p.message}`);
  return new GroveError('invalidInput', [head, ...lines].join('\n'), { context: { esql: 'verification' } });
}

/** A problem with the request around the statement (its params, its limits). */
export function illegalArgument(message: string): GroveError {
  return new GroveError('invalidInput', message, { context: { esql: 'illegal_argument' } });
}
