import { invalidInput } from '../core/errors.js';
import { parseGranularity } from '../time/granularity.js';
import { condenseIntervals, parseInstant, parseInterval } from '../time/interval.js';
import { parseExpression } from './expr-parse.js';
import { checkExpression } from './expr-sql.js';
import { parseFilter } from './filter.js';
import { jodaToStrftime } from '../time/joda.js';
import {
  asObject,
  checkDataSourceName,
  optArray,
  optBool,
  optObject,
  optString,
  optStringArray,
  reqString,
  show,
  unknownType,
  type Json,
} from './spec-read.js';
import {
  METRIC_TYPES,
  type DataSchema,
  type DimensionSpec,
  type DimensionsSpec,
  type DimensionType,
  type GranularitySpec,
  type MetricSpec,
  type MetricType,
  type TimestampFormat,
  type TimestampSpec,
  type TransformSpec,
} from './spec-types.js';

const FORMATS: readonly TimestampFormat[] = ['auto', 'iso', 'millis', 'posix', 'micro', 'nano'];
const DIM_TYPES: readonly DimensionType[] = ['string', 'long', 'float', 'double', 'json'];

function parseTimestampSpec(o: Json | undefined, path: string): TimestampSpec {
  const spec = o ?? {};
  const column = optString(spec, 'column', path) ?? 'timestamp';
  const formatText = optString(spec, 'format', path) ?? 'auto';
  const lower = formatText.toLowerCase();
  let format: TimestampFormat = 'pattern';
  let strptime: string | null = null;
  if ((FORMATS as readonly string[]).includes(lower)) format = lower as TimestampFormat;
  else if (lower === 'ruby') throw invalidInput(`${path}.format [ruby] is not supported by Grove; use auto, iso, millis, posix, micro, nano or a Joda pattern`);
  else strptime = jodaToStrftime(formatText, `${path}.format`);
  const mv = spec.missingValue;
  let missingValue: number | null = null;
  if (typeof mv === 'number' && Number.isInteger(mv)) missingValue = mv;
  else if (typeof mv === 'string') missingValue = parseInstant(mv, `${path}.missingValue`);
  else if (mv !== undefined && mv !== null) throw invalidInput(`${path}.missingValue must be an ISO-8601 timestamp or epoch milliseconds, got ${show(mv)}`);
  return { column, format, formatText, strptime, missingValue, missingValueText: typeof mv === 'string' || typeof mv === 'number' ? String(mv) : null };
}

function parseDimension(v: unknown, path: string): DimensionSpec {
  if (typeof v === 'string') {
    if (v === '') throw invalidInput(`${path} must not be an empty name`);
    return { name: v, type: 'string' };
  }
  const o = asObject(v, path);
  const name = reqString(o, 'name', path);
  const type = (optString(o, 'type', path) ?? 'string').toLowerCase();
  if (!(DIM_TYPES as readonly string[]).includes(type)) throw unknownType(path, o.type, DIM_TYPES);
  return { name, type: type as DimensionType };
}

function parseDimensionsSpec(o: Json | undefined, path: string): DimensionsSpec {
  const spec = o ?? {};
  const dims = (optArray(spec, 'dimensions', path) ?? []).map((d, i) => parseDimension(d, `${path}.dimensions[${i}]`));
  const exclusions = optStringArray(spec, 'dimensionExclusions', path) ?? [];
  const seen = new Set<string>();
  for (const d of dims) {
    if (d.name === '__time') throw invalidInput(`${path}.dimensions: __time cannot be a dimension; it is the timestamp column`);
    if (seen.has(d.name)) throw invalidInput(`${path}.dimensions has the column [${d.name}] more than once`);
    seen.add(d.name);
    if (exclusions.includes(d.name)) throw invalidInput(`${path}: dimensions and dimensionExclusions cannot overlap. Problem: [${d.name}]`);
  }
  return {
    dimensions: dims,
    dimensionExclusions: exclusions,
    useSchemaDiscovery: optBool(spec, 'useSchemaDiscovery', path, false),
    includeAllDimensions: optBool(spec, 'includeAllDimensions', path, false),
  };
}

function parseMetric(v: unknown, path: string): MetricSpec {
  const o = asObject(v, path);
  if (!(METRIC_TYPES as readonly unknown[]).includes(o.type)) throw unknownType(path, o.type, METRIC_TYPES);
  const type = o.type as MetricType;
  const name = reqString(o, 'name', path);
  const fieldName = type === 'count' ? null : (optString(o, 'fieldName', path) ?? null);
  if (type !== 'count' && !fieldName) {
    if (o.expression !== undefined) throw invalidInput(`${path}.expression is not supported by Grove; compute the value with a transform and name it in fieldName`);
    throw invalidInput(`${path}.fieldName is required for a ${type} aggregator`);
  }
  return { type, name, fieldName };
}

function parseGranularitySpec(o: Json | undefined, path: string): GranularitySpec {
  const spec = o ?? {};
  const type = spec.type ?? 'uniform';
  if (type !== 'uniform') throw unknownType(path, type, ['uniform']);
  const segmentGranularity = parseGranularity(spec.segmentGranularity ?? 'DAY', `${path}.segmentGranularity`);
  if (segmentGranularity.type === 'none') throw invalidInput(`${path}.segmentGranularity cannot be NONE; use a time period or ALL`);
  const queryGranularity = parseGranularity(spec.queryGranularity ?? 'NONE', `${path}.queryGranularity`);
  const list = optArray(spec, 'intervals', path);
  const intervals = list === undefined || list.length === 0 ? null : condenseIntervals(list.map((x, i) => parseInterval(x, `${path}.intervals[${i}]`)));
  return { segmentGranularity, queryGranularity, rollup: optBool(spec, 'rollup', path, true), intervals };
}

function parseTransformSpec(o: Json | undefined, path: string): TransformSpec {
  const spec = o ?? {};
  const filterJson = spec.filter ?? null;
  const filter = filterJson === null ? null : parseFilter(filterJson, `${path}.filter`);
  const names = new Set<string>();
  const transforms = (optArray(spec, 'transforms', path) ?? []).map((t, i) => {
    const p = `${path}.transforms[${i}]`;
    const to = asObject(t, p);
    if ((to.type ?? 'expression') !== 'expression') throw unknownType(p, to.type, ['expression']);
    const name = reqString(to, 'name', p);
    if (names.has(name)) throw invalidInput(`${path}.transforms has more than one transform named [${name}]`);
    names.add(name);
    const expression = reqString(to, 'expression', p);
    const ast = parseExpression(expression, `${p}.expression`);
    checkExpression(ast, `${p}.expression`);
    return { name, expression, ast };
  });
  return { filter, filterJson, transforms };
}

export function parseDataSchema(o: Json, path: string): DataSchema {
  if (o.parser !== undefined && o.parser !== null) {
    throw invalidInput(`${path}.parser is the legacy parseSpec form, which Grove does not support; use ${path.replace('dataSchema', 'ioConfig')}.inputFormat and ${path}.timestampSpec`);
  }
  const dataSource = checkDataSourceName(o.dataSource, `${path}.dataSource`);
  const dimensionsSpec = parseDimensionsSpec(optObject(o, 'dimensionsSpec', path), `${path}.dimensionsSpec`);
  const metricsSpec = (optArray(o, 'metricsSpec', path) ?? []).map((m, i) => parseMetric(m, `${path}.metricsSpec[${i}]`));
  const seen = new Set(dimensionsSpec.dimensions.map((d) => d.name));
  for (const m of metricsSpec) {
    if (m.name === '__time') throw invalidInput(`${path}.metricsSpec: __time cannot be a metric name`);
    if (seen.has(m.name)) throw invalidInput(`${path}: the column [${m.name}] is named both as a dimension and a metric (or twice as a metric)`);
    seen.add(m.name);
  }
  return {
    dataSource,
    timestampSpec: parseTimestampSpec(optObject(o, 'timestampSpec', path), `${path}.timestampSpec`),
    dimensionsSpec,
    metricsSpec,
    granularitySpec: parseGranularitySpec(optObject(o, 'granularitySpec', path), `${path}.granularitySpec`),
    transformSpec: parseTransformSpec(optObject(o, 'transformSpec', path), `${path}.transformSpec`),
  };
}
