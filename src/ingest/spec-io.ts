import { invalidInput } from '../core/errors.js';
import {
  asObject,
  isObject,
  optBool,
  optInt,
  optObject,
  optString,
  optStringArray,
  reqObject,
  show,
  unknownType,
  type Json,
} from './spec-read.js';
import type { InputFormat, InputSource, IoConfig, TuningConfig } from './spec-types.js';

const INT_MAX = 2147483647;

function parsePassword(v: unknown, path: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  const o = asObject(v, path);
  if (o.type === 'default' || o.type === undefined) {
    if (typeof o.password !== 'string') throw invalidInput(`${path}.password must be a string`);
    return o.password;
  }
  if (o.type === 'environment') {
    // Reading the server's environment on a user's behalf would let a spec send its secrets anywhere.
    throw invalidInput(`${path}.type [environment] is not supported by Grove; pass the password as {"type":"default","password":...}`);
  }
  throw unknownType(path, o.type, ['default']);
}

function parseInputSource(o: Json, path: string): InputSource {
  switch (o.type) {
    case 'local': {
      const baseDir = optString(o, 'baseDir', path) ?? null;
      const filter = optString(o, 'filter', path) ?? null;
      const files = optStringArray(o, 'files', path) ?? [];
      if ((baseDir === null || baseDir === '') && files.length === 0) throw invalidInput(`${path}: at least one of baseDir or files should be specified`);
      if (baseDir && !filter) throw invalidInput(`${path}.filter is required when baseDir is given (e.g. "*.json")`);
      if (files.some((f) => f === '')) throw invalidInput(`${path}.files must not contain empty paths`);
      return { type: 'local', baseDir: baseDir || null, filter, files };
    }
    case 'inline': {
      const data = o.data;
      if (typeof data !== 'string') throw invalidInput(`${path}.data must be a string, got ${show(data)}`);
      return { type: 'inline', data };
    }
    case 'http': {
      const uris = optStringArray(o, 'uris', path) ?? [];
      if (uris.length === 0) throw invalidInput(`${path}.uris must list at least one URI`);
      uris.forEach((u, i) => {
        if (!URL.canParse(u)) throw invalidInput(`${path}.uris[${i}] [${u}] is not a valid URI`);
      });
      if (o.requestHeaders !== undefined && o.requestHeaders !== null) throw invalidInput(`${path}.requestHeaders is not supported by Grove`);
      return {
        type: 'http',
        uris,
        username: optString(o, 'httpAuthenticationUsername', path) ?? null,
        password: parsePassword(o.httpAuthenticationPassword, `${path}.httpAuthenticationPassword`),
      };
    }
    default:
      throw unknownType(path, o.type, ['local', 'inline', 'http']);
  }
}

function parseInputFormat(o: Json, path: string): InputFormat {
  switch (o.type) {
    case 'json': {
      const flatten = optObject(o, 'flattenSpec', path);
      if (flatten && Array.isArray(flatten.fields) && flatten.fields.length > 0) {
        throw invalidInput(`${path}.flattenSpec.fields is not supported by Grove; use transforms with json_value() instead`);
      }
      return { type: 'json' };
    }
    case 'csv':
    case 'tsv': {
      const columns = optStringArray(o, 'columns', path) ?? null;
      const hasColumns = columns !== null && columns.length > 0;
      const legacyHeader = optBool(o, 'hasHeaderRow', path, false);
      const findColumnsFromHeader = optBool(o, 'findColumnsFromHeader', path, legacyHeader);
      if (!findColumnsFromHeader && !hasColumns) throw invalidInput(`${path}: if findColumnsFromHeader is false, columns must be set`);
      if (findColumnsFromHeader && hasColumns) throw invalidInput(`${path}: columns and findColumnsFromHeader cannot both be set`);
      const delimiter = o.type === 'tsv' ? (optString(o, 'delimiter', path) ?? '\t') : ',';
      if (delimiter.length !== 1) throw invalidInput(`${path}.delimiter must be a single character, got ${show(delimiter)}`);
      const seen = new Set<string>();
      for (const c of columns ?? []) {
        if (c.includes(delimiter)) throw invalidInput(`${path}: column [${c}] contains the delimiter [${delimiter}]`);
        if (seen.has(c)) throw invalidInput(`${path}.columns has [${c}] more than once`);
        seen.add(c);
      }
      return {
        type: o.type,
        columns: hasColumns ? columns : null,
        findColumnsFromHeader,
        skipHeaderRows: optInt(o, 'skipHeaderRows', path, 0, 0, INT_MAX),
        delimiter,
        listDelimiter: optString(o, 'listDelimiter', path) ?? null,
      };
    }
    default:
      throw unknownType(path, o.type, ['json', 'csv', 'tsv']);
  }
}

export function parseIoConfig(o: Json, path: string, taskType: string): IoConfig {
  if (o.type !== undefined && o.type !== taskType) throw invalidInput(`${path}.type [${String(o.type)}] must match the task type [${taskType}]`);
  if (o.firehose !== undefined && o.firehose !== null) throw invalidInput(`${path}.firehose is not supported; use ${path}.inputSource`);
  const appendToExisting = optBool(o, 'appendToExisting', path, false);
  const dropExisting = optBool(o, 'dropExisting', path, false);
  if (appendToExisting && dropExisting) {
    throw invalidInput('Cannot both drop existing segments and append to existing segments. Either dropExisting or appendToExisting should be set to false');
  }
  return {
    inputSource: parseInputSource(reqObject(o, 'inputSource', path), `${path}.inputSource`),
    inputFormat: parseInputFormat(reqObject(o, 'inputFormat', path), `${path}.inputFormat`),
    appendToExisting,
    dropExisting,
  };
}

/**
 * Grove keeps up to 100 parse exceptions by default where Druid keeps 0: without them a report
 * says rows were unparseable but not which or why.
 */
export const DEFAULT_MAX_SAVED_PARSE_EXCEPTIONS = 100;

export function parseTuningConfig(o: Json | undefined, path: string): TuningConfig {
  const t = o ?? {};
  let maxRowsPerSegment = optInt(t, 'maxRowsPerSegment', path, 5_000_000, 1, INT_MAX);
  const ps = t.partitionsSpec;
  if (ps !== undefined && ps !== null) {
    if (!isObject(ps)) throw invalidInput(`${path}.partitionsSpec must be a JSON object, got ${show(ps)}`);
    if ((ps.type ?? 'dynamic') !== 'dynamic') throw invalidInput(`${path}.partitionsSpec.type [${String(ps.type)}] is not supported by Grove; use dynamic`);
    if (ps.maxRowsPerSegment !== undefined && ps.maxRowsPerSegment !== null) {
      maxRowsPerSegment = optInt(ps, 'maxRowsPerSegment', `${path}.partitionsSpec`, maxRowsPerSegment, 1, INT_MAX);
    }
  }
  const reportParseExceptions = optBool(t, 'reportParseExceptions', path, false);
  // Druid: reportParseExceptions=true means fail on the first one and keep just it.
  const maxParseExceptions = reportParseExceptions ? 0 : optInt(t, 'maxParseExceptions', path, INT_MAX, 0, INT_MAX);
  const maxSavedParseExceptions = reportParseExceptions ? 1 : optInt(t, 'maxSavedParseExceptions', path, DEFAULT_MAX_SAVED_PARSE_EXCEPTIONS, 0, INT_MAX);
  return {
    maxRowsPerSegment,
    maxRowsInMemory: optInt(t, 'maxRowsInMemory', path, 1_000_000, 1, INT_MAX),
    maxParseExceptions,
    maxSavedParseExceptions,
    logParseExceptions: optBool(t, 'logParseExceptions', path, false),
    raw: { ...t },
  };
}
