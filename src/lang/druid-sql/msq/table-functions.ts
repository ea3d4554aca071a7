import type { SqlColumnDeclaration, SqlExpression } from 'druid-query-toolkit';
import { SqlFunction, SqlLiteral } from 'druid-query-toolkit';
import type { ExternInput } from '../../../msq/types.js';
import { extendSignature, stringArg, type Arguments, type Signature } from './args.js';
import { invalidSql } from './parse.js';

/**
 * The ad-hoc table functions `http`, `inline` and `localfiles`: arguments → the inputSource and
 * inputFormat JSON Druid builds for them (catalog/model/table/*InputSourceDefn.java and
 * InputFormats.java), columns from the EXTEND clause.
 */

type Kind = 'string' | 'array' | 'number';

const FORMAT_PARAMS: Record<string, Kind> = { format: 'string', listDelimiter: 'string', skipHeaderRows: 'number', delimiter: 'string' };
const SOURCE_PARAMS: Record<string, Record<string, Kind>> = {
  http: { uris: 'array', userName: 'string', password: 'string', passwordEnvVar: 'string', headers: 'string' },
  inline: { data: 'array' },
  localfiles: { baseDir: 'string', filter: 'string', files: 'array' },
};

type Values = Map<string, string | string[] | number>;

function arrayArg(args: Arguments, name: string, value: SqlExpression): string[] | undefined {
  if (value instanceof SqlFunction && value.getEffectiveFunctionName().toUpperCase() === 'ARRAY') {
    return value.getArgArray().map((v) => stringArg(args, name, v) ?? '');
  }
  // A single string stands for a one-element array, as Druid's CatalogUtils.getStringArray reads it.
  const one = stringArg(args, name, value);
  return one === undefined ? undefined : [one];
}

function numberArg(args: Arguments, name: string, value: SqlExpression): number | undefined {
  if (value instanceof SqlLiteral) {
    if (value.value === null) return undefined;
    // skipHeaderRows is declared BOOLEAN in Druid's source while its docs pass numbers; take both.
    if (typeof value.value === 'boolean') return value.value ? 1 : 0;
    if (typeof value.value === 'number' && Number.isInteger(value.value) && value.value >= 0) return value.value;
  }
  throw invalidSql(`Argument [${name}] of [${args.fn}] must be a non-negative whole number, got [${String(value)}]`);
}

function readArgs(args: Arguments, params: Record<string, Kind>): Values {
  if (args.positional.length > 0) throw invalidSql(`Table function [${args.fn}] takes named arguments only, as in ${args.fn}(name => value, ...)`);
  const out: Values = new Map();
  for (const { label, value } of args.named.values()) {
    const name = Object.keys(params).find((p) => p.toLowerCase() === label.toLowerCase());
    if (!name) throw invalidSql(`Unknown parameter [${label}] for table function [${args.fn}]; expected one of ${Object.keys(params).join(', ')}`);
    const kind = params[name];
    const v = kind === 'array' ? arrayArg(args, name, value) : kind === 'number' ? numberArg(args, name, value) : stringArg(args, name, value);
    if (v !== undefined) out.set(name, v);
  }
  return out;
}

const str = (v: Values, k: string): string | undefined => {
  const x = v.get(k);
  return typeof x === 'string' ? x : undefined;
};
const list = (v: Values, k: string): string[] | undefined => {
  const x = v.get(k);
  return Array.isArray(x) && x.length > 0 ? x : undefined;
};

function httpSource(v: Values): Record<string, unknown> {
  const uris = list(v, 'uris');
  if (!uris) throw invalidSql('One or more URIs is required in parameter uris');
  const out: Record<string, unknown> = { type: 'http', uris };
  if (str(v, 'userName') !== undefined) out.httpAuthenticationUsername = str(v, 'userName');
  const password = str(v, 'password');
  const envVar = str(v, 'passwordEnvVar');
  if (password !== undefined && envVar !== undefined) throw invalidSql('Specify only one of password or passwordEnvVar');
  if (password !== undefined) out.httpAuthenticationPassword = { type: 'default', password };
  else if (envVar !== undefined) out.httpAuthenticationPassword = { type: 'environment', variable: envVar };
  const headers = str(v, 'headers');
  if (headers !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(headers);
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidSql('Failed read map from headers json');
    out.requestHeaders = parsed;
  }
  return out;
}

function inlineSource(v: Values): Record<string, unknown> {
  const data = list(v, 'data');
  if (!data) throw invalidSql("An inline table requires one or more rows of data in the 'data' property");
  // Druid ends the data with a newline so the last row is not read as a partial line.
  const text = data.join('\n');
  return { type: 'inline', data: text.endsWith('\n') ? text : `${text}\n` };
}

function localSource(v: Values): Record<string, unknown> {
  const baseDir = str(v, 'baseDir') || undefined;
  const files = list(v, 'files');
  const filter = str(v, 'filter') || undefined;
  if (!baseDir && !files) throw invalidSql('A local input source requires one parameter of baseDir or files');
  if (baseDir && files) {
    if (filter) throw invalidSql('A local input source can set parameter files or filter, but not both.');
    // Druid resolves the files against baseDir (new File(baseDir, f)) and drops baseDir.
    return { type: 'local', files: files.map((f) => `${baseDir.replace(/\/+$/, '')}/${f.replace(/^\/+/, '')}`) };
  }
  if (!baseDir && filter) throw invalidSql('If a local input source sets parameter filter, it must also set parameter baseDir');
  if (files) return { type: 'local', files };
  return { type: 'local', baseDir, filter: filter ?? '*' };
}

function inputFormat(v: Values, signature: Signature): Record<string, unknown> {
  const format = str(v, 'format');
  if (format === undefined) throw invalidSql('Must provide a value for the [format] parameter');
  if (format === 'json') return { type: 'json' };
  if (format !== 'csv' && format !== 'tsv') throw invalidSql(`Format type [${format}] for property [format] is not valid`);
  const out: Record<string, unknown> = { type: format, columns: signature.map((c) => c.name) };
  if (str(v, 'listDelimiter') !== undefined) out.listDelimiter = str(v, 'listDelimiter');
  if (format === 'tsv' && str(v, 'delimiter') !== undefined) out.delimiter = str(v, 'delimiter');
  out.findColumnsFromHeader = false;
  out.skipHeaderRows = v.get('skipHeaderRows') ?? 0;
  return out;
}

export function tableFunctionInput(args: Arguments, extend: readonly SqlColumnDeclaration[] | undefined): ExternInput {
  const fn = args.fn.toLowerCase();
  if (extend === undefined) throw invalidSql(`The ${args.fn} table function requires an EXTEND clause with a schema.`);
  const values = readArgs(args, { ...SOURCE_PARAMS[fn], ...FORMAT_PARAMS });
  const signature = extendSignature(extend);
  const inputSource = fn === 'http' ? httpSource(values) : fn === 'inline' ? inlineSource(values) : localSource(values);
  return { inputSource, inputFormat: inputFormat(values, signature), signature };
}
