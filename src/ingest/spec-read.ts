import { unprintableProblem } from '../core/checks.js';
import { invalidInput } from '../core/errors.js';

/**
 * Typed reads of JSON spec fields. Every error names the full path of the field (e.g.
 * `spec.ioConfig.inputFormat.columns[2]`) so a user can find it without reading Java stack traces.
 */

export type Json = Record<string, unknown>;

export function show(v: unknown): string {
  const s = v === undefined ? 'nothing' : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

export function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function asObject(v: unknown, path: string): Json {
  if (!isObject(v)) throw invalidInput(`${path} must be a JSON object, got ${show(v)}`, { field: path });
  return v;
}

export function optObject(o: Json, key: string, path: string): Json | undefined {
  const v = o[key];
  return v === undefined || v === null ? undefined : asObject(v, `${path}.${key}`);
}

export function reqObject(o: Json, key: string, path: string): Json {
  const v = o[key];
  if (v === undefined || v === null) throw invalidInput(`${path}.${key} is required`, { field: `${path}.${key}` });
  return asObject(v, `${path}.${key}`);
}

export function optString(o: Json, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidInput(`${path}.${key} must be a string, got ${show(v)}`, { field: `${path}.${key}` });
  return v;
}

export function reqString(o: Json, key: string, path: string): string {
  const v = optString(o, key, path);
  if (v === undefined || v === '') throw invalidInput(`${path}.${key} is required`, { field: `${path}.${key}` });
  return v;
}

export function optBool(o: Json, key: string, path: string, dflt: boolean): boolean {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw invalidInput(`${path}.${key} must be true or false, got ${show(v)}`, { field: `${path}.${key}` });
  return v;
}

export function optInt(o: Json, key: string, path: string, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw invalidInput(`${path}.${key} must be a whole number, got ${show(v)}`, { field: `${path}.${key}` });
  }
  if (v < min || v > max) throw invalidInput(`${path}.${key} must be between ${min} and ${max}, got ${v}`, { field: `${path}.${key}` });
  return v;
}

export function optArray(o: Json, key: string, path: string): unknown[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw invalidInput(`${path}.${key} must be a JSON array, got ${show(v)}`, { field: `${path}.${key}` });
  return v;
}

export function optStringArray(o: Json, key: string, path: string): string[] | undefined {
  const a = optArray(o, key, path);
  if (a === undefined) return undefined;
  return a.map((x, i) => {
    if (typeof x !== 'string') throw invalidInput(`${path}.${key}[${i}] must be a string, got ${show(x)}`, { field: `${path}.${key}[${i}]` });
    return x;
  });
}

/** Druid rejects a type it has no subtype for with Jackson's message; this keeps the idea, not the noise. */
export function unknownType(path: string, got: unknown, known: readonly string[]): Error {
  return invalidInput(`${path}.type ${got === undefined ? 'is required' : `[${String(got)}] is not supported`}; known types: ${known.join(', ')}`, {
    field: `${path}.type`,
  });
}

/** Druid's IdUtils.validateId rules for a dataSource name. */
export function checkDataSourceName(name: unknown, path: string): string {
  if (name === undefined || name === null || name === '') throw invalidInput(`${path} is required`, { field: path });
  if (typeof name !== 'string') throw invalidInput(`${path} must be a string, got ${show(name)}`, { field: path });
  if (name.trim() === '') throw invalidInput(`${path} must not be blank`, { field: path });
  if (name.startsWith('.')) throw invalidInput(`${path} [${name}] must not start with the '.' character`, { field: path });
  if (name.includes('/')) throw invalidInput(`${path} [${name}] must not contain the '/' character`, { field: path });
  if (/[\t\n\r\f\v\u0085\u00a0\u2028\u2029]/.test(name)) {
    throw invalidInput(`${path} [${JSON.stringify(name).slice(1, -1)}] contains illegal whitespace characters; only space is allowed`, { field: path });
  }
  const unprintable = unprintableProblem(name);
  if (unprintable !== null) throw invalidInput(`${path} [${JSON.stringify(name).slice(1, -1)}] ${unprintable}`, { field: path });
  return name;
}
