import { esError, illegalArgument } from './errors.js';

/**
 * The request parameters of the ES|QL endpoints, read and checked as Elasticsearch reads them:
 * its field names, its time values (`5d`, `100ms`), its booleans and its messages.
 */

export interface EsqlBody {
  readonly query: string;
  readonly columnar: boolean;
  readonly params: unknown[];
}

export interface AsyncOptions {
  /** -1: wait until the query ends. */
  readonly waitMs: number;
  readonly keepAliveMs: number;
  readonly keepOnCompletion: boolean;
}

const SYNC_FIELDS = new Set(['query', 'columnar', 'params', 'filter', 'locale', 'time_zone', 'profile', 'tables', 'include_ccs_metadata', 'include_execution_metadata', 'project_routing', 'settings']);
const ASYNC_FIELDS = new Set([...SYNC_FIELDS, 'wait_for_completion_timeout', 'keep_alive', 'keep_on_completion']);

const DAY_MS = 86_400_000;
export const DEFAULT_WAIT_MS = 1000;
export const DEFAULT_KEEP_ALIVE_MS = 5 * DAY_MS;

/** A failure to read one field of the body, as Elasticsearch's x-content parser reports it. */
function badField(parser: string, field: string, cause?: string): never {
  throw esError('invalidInput', 'x_content_parse_exception', `[${parser}] failed to parse field [${field}]`, cause ? { type: 'illegal_argument_exception', reason: cause } : undefined);
}

export function readEsqlBody(body: unknown, async: boolean): { body: EsqlBody; async: AsyncOptions } {
  const parser = async ? 'esql/async_query' : 'esql/query';
  if (body === undefined || body === null || body === '') throw esError('invalidInput', 'parse_exception', 'request body is required');
  if (typeof body !== 'object' || Array.isArray(body)) throw esError('invalidInput', 'x_content_parse_exception', `[${parser}] request body must be a JSON object`);
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (!(async ? ASYNC_FIELDS : SYNC_FIELDS).has(key)) throw esError('invalidInput', 'x_content_parse_exception', `[${parser}] unknown field [${key}]`);
  }
  if (b.query === undefined || b.query === null || b.query === '') throw esError('invalidInput', 'action_request_validation_exception', 'Validation Failed: 1: [query] is required;');
  if (typeof b.query !== 'string') badField(parser, 'query');
  const columnar = b.columnar === undefined || b.columnar === null ? false : b.columnar;
  if (typeof columnar !== 'boolean') badField(parser, 'columnar');
  for (const flag of ['profile', 'include_ccs_metadata', 'include_execution_metadata', 'keep_on_completion'] as const) {
    if (b[flag] !== undefined && typeof b[flag] !== 'boolean') badField(parser, flag);
  }
  if (b.locale !== undefined && typeof b.locale !== 'string') badField(parser, 'locale');
  unsupported(b);
  return {
    body: { query: b.query, columnar, params: readParams(b.params) },
    async: {
      waitMs: b.wait_for_completion_timeout === undefined ? DEFAULT_WAIT_MS : bodyTime(parser, 'wait_for_completion_timeout', b.wait_for_completion_timeout, true),
      keepAliveMs: b.keep_alive === undefined ? DEFAULT_KEEP_ALIVE_MS : bodyTime(parser, 'keep_alive', b.keep_alive, false),
      keepOnCompletion: b.keep_on_completion === true,
    },
  };
}

/** Fields Grove reads but cannot honour except in their neutral form. */
function unsupported(b: Record<string, unknown>): void {
  const refuse = (what: string): never => {
    throw esError('unsupported', 'illegal_argument_exception', `Grove does not support ${what}`);
  };
  if (b.filter !== undefined && b.filter !== null) refuse('[filter] (Query DSL); put the conditions in a WHERE command');
  if (b.tables !== undefined && b.tables !== null && (typeof b.tables !== 'object' || Object.keys(b.tables as object).length > 0)) refuse('[tables] (LOOKUP)');
  if (b.profile === true) refuse('[profile]');
  if (b.project_routing !== undefined) refuse('[project_routing]');
  const zone = b.time_zone ?? (b.settings as Record<string, unknown> | undefined)?.time_zone;
  if (zone !== undefined && !(typeof zone === 'string' && /^(UTC|Z|GMT|Etc\/UTC|[+-]00:?00)$/i.test(zone))) {
    refuse(`[time_zone] [${String(zone)}]: ES|QL runs in UTC here`);
  }
  if (b.settings !== undefined && (typeof b.settings !== 'object' || b.settings === null || Object.keys(b.settings).some((k) => k !== 'time_zone'))) refuse('[settings] other than time_zone');
}

/**
 * `params`: values for `?`/`?1` (an array of values) or for `?name` (an array of one-key objects);
 * a value may be `{"value": v}`, `{"identifier": "f"}` or `{"pattern": "f*"}`.
 */
function readParams(raw: unknown): unknown[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw esError('invalidInput', 'x_content_parse_exception', 'Failed to parse params: params must be an array');
  const problems: string[] = [];
  let named = 0;
  let unnamed = 0;
  for (const p of raw) {
    if (p !== null && typeof p === 'object' && !Array.isArray(p)) {
      const keys = Object.keys(p);
      if (keys.length !== 1) {
        problems.push(`Cannot parse more than one key:value pair as parameter, found [${JSON.stringify(p)}]`);
        continue;
      }
      named++;
      const [name] = keys;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        problems.push(`[${name}] is not a valid parameter name, a valid parameter name starts with a letter or underscore, and contains letters, digits and underscores only`);
      }
      const v = (p as Record<string, unknown>)[name];
      if (!isParamValue(v)) problems.push(`${name}=${JSON.stringify(v)} is not supported as a parameter`);
    } else {
      unnamed++;
      if (!isParamValue(p)) problems.push(`${JSON.stringify(p)} is not supported as a parameter`);
    }
  }
  if (named > 0 && unnamed > 0) problems.push('Params cannot contain both named and unnamed parameters');
  if (problems.length > 0) throw esError('invalidInput', 'x_content_parse_exception', `Failed to parse params: ${problems.join('; ')}`);
  return raw;
}

function isParamValue(v: unknown): boolean {
  if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return true;
  if (Array.isArray(v)) return v.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x));
  if (typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length !== 1) return false;
  if (keys[0] === 'value') return isParamValue(o.value) && (o.value === null || typeof o.value !== 'object' || Array.isArray(o.value));
  return (keys[0] === 'identifier' || keys[0] === 'pattern') && typeof o[keys[0]] === 'string' && o[keys[0]] !== '';
}

const UNITS: Record<string, number> = { nanos: 1e-6, micros: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS };

/** An Elasticsearch time value (`100ms`, `2s`, `5d`; `-1` for none), in milliseconds. */
export function parseTimeValue(setting: string, raw: string): number {
  const text = raw.trim();
  if (text === '-1') return -1;
  if (text === '0') return 0;
  const m = /^(-?\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(text);
  const unit = m ? (m[2] === 'm' ? 'm' : m[2].toLowerCase()) : undefined;
  if (!m || unit === undefined || UNITS[unit] === undefined || m[2] === 'M') {
    throw illegalArgument(`failed to parse setting [${setting}] with value [${raw}] as a time value: unit is missing or unrecognized`);
  }
  if (m[1].includes('.')) throw illegalArgument(`failed to parse [${raw}], fractional time values are not supported`);
  const n = Number(m[1]) * UNITS[unit];
  if (!Number.isSafeInteger(Math.round(n))) throw illegalArgument(`failed to parse setting [${setting}] with value [${raw}] as a time value: the value is too large`);
  if (n < 0) throw illegalArgument(`failed to parse setting [${setting}] with value [${raw}] as a time value: negative durations are not supported`);
  return Math.ceil(n);
}

function bodyTime(parser: string, field: string, raw: unknown, allowForever: boolean): number {
  if (typeof raw !== 'string' && typeof raw !== 'number') badField(parser, field);
  try {
    return checkTime(field, parseTimeValue(field, String(raw)), allowForever);
  } catch (e) {
    return badField(parser, field, (e as Error).message);
  }
}

/** A time value from the URL (GET's wait_for_completion_timeout and keep_alive). */
export function urlTime(field: string, raw: string | undefined, fallback: number, allowForever: boolean): number {
  return raw === undefined ? fallback : checkTime(field, parseTimeValue(field, raw), allowForever);
}

function checkTime(field: string, ms: number, allowForever: boolean): number {
  if (ms === -1 && allowForever) return -1;
  if (field === 'keep_alive' && ms < 1000) throw illegalArgument(`[keep_alive] must be at least 1s, got: ${ms === -1 ? '-1' : `${ms}ms`}`);
  if (ms < 0) throw illegalArgument(`[${field}] must be a positive time value or -1, got: -1`);
  return ms;
}

/** A URL boolean: `true`, `false`, or empty for true. */
export function urlBoolean(name: string, raw: string | undefined): boolean {
  if (raw === undefined) return false;
  if (raw === '' || raw === 'true') return true;
  if (raw === 'false') return false;
  throw illegalArgument(`Failed to parse value [${raw}] as only [true] or [false] are allowed.`);
}

/** Refuses URL parameters the endpoint does not know, as Elasticsearch does. */
export function checkUrlParams(path: string, query: Readonly<Record<string, unknown>>, allowed: readonly string[]): void {
  const common = ['error_trace', 'pretty', 'human', 'filter_path'];
  const unknown = Object.keys(query).filter((k) => !allowed.includes(k) && !common.includes(k));
  if (unknown.length > 0) {
    throw illegalArgument(`request [${path}] contains unrecognized parameter${unknown.length > 1 ? 's' : ''}: [${unknown.join('], [')}]`);
  }
  for (const [k, v] of Object.entries(query)) if (typeof v !== 'string') throw illegalArgument(`request [${path}] has the parameter [${k}] more than once`);
}
