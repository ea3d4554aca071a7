import type { DruidColumnType } from '../core/types.js';
import { identifiersOf } from './expr-parse.js';
import { filterColumns } from './filter.js';
import type { IndexTask, MetricSpec } from './spec-types.js';

/**
 * What to read from each input row and what to write: input fields (with the type they are parsed
 * as), output dimensions and metrics. Columns get positional aliases (f0, d0, m0) in SQL so user
 * field names never collide with Grove's own working columns.
 */

export type FieldKind = 'string' | 'long' | 'double' | 'float' | 'boolean' | 'json' | 'array-string' | 'array-long' | 'array-double';

export interface DiscoveredField {
  readonly name: string;
  readonly kind: FieldKind;
}

export interface InputField {
  readonly name: string;
  readonly alias: string;
  readonly kind: FieldKind;
  /** Typed by the spec (a typed dimension): a value that does not parse is a column error. */
  readonly declared: boolean;
}

export interface OutputColumn {
  readonly name: string;
  readonly alias: string;
  readonly kind: FieldKind;
  readonly duckType: string;
  readonly druidType: DruidColumnType;
}

export interface OutputMetric extends OutputColumn {
  readonly spec: MetricSpec;
}

export interface RowPlan {
  readonly fields: readonly InputField[];
  readonly dimensions: readonly OutputColumn[];
  readonly metrics: readonly OutputMetric[];
}

export const DUCK_TYPE: Record<FieldKind, string> = {
  string: 'VARCHAR',
  long: 'BIGINT',
  double: 'DOUBLE',
  float: 'FLOAT',
  boolean: 'BIGINT',
  json: 'VARCHAR',
  'array-string': 'VARCHAR[]',
  'array-long': 'BIGINT[]',
  'array-double': 'DOUBLE[]',
};

export const DRUID_TYPE: Record<FieldKind, DruidColumnType> = {
  string: 'STRING',
  long: 'LONG',
  double: 'DOUBLE',
  float: 'FLOAT',
  boolean: 'LONG',
  json: 'COMPLEX<json>',
  'array-string': 'ARRAY<STRING>',
  'array-long': 'ARRAY<LONG>',
  'array-double': 'ARRAY<DOUBLE>',
};

/** DuckDB's detected JSON type → the column type Druid's schema discovery would pick. */
export function kindOfDuckType(t: string): FieldKind {
  const type = t.toUpperCase();
  if (type.endsWith('[]')) {
    const inner = kindOfDuckType(type.slice(0, -2));
    if (inner === 'long' || inner === 'boolean') return 'array-long';
    if (inner === 'double') return 'array-double';
    if (inner === 'string') return 'array-string';
    return 'json';
  }
  if (/^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|UHUGEINT)$/.test(type)) return 'long';
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL.*)$/.test(type)) return 'double';
  if (type === 'BOOLEAN') return 'boolean';
  if (/^(STRUCT|MAP|JSON|UNION)/.test(type)) return 'json';
  return 'string';
}

const METRIC_KIND = (m: MetricSpec): FieldKind => (m.type === 'count' || m.type.startsWith('long') ? 'long' : m.type.startsWith('float') ? 'float' : 'double');

/**
 * Builds the plan. `discovered` lists the input's fields in order (null when the format cannot
 * say). Without explicit dimensions Druid ingests every discovered field except the timestamp,
 * metric inputs and exclusions: as strings (nested objects skipped, as Druid's field discovery
 * takes only primitives and lists), or with their detected types under useSchemaDiscovery.
 */
export function planRows(task: IndexTask, discovered: readonly DiscoveredField[] | null): RowPlan {
  const ds = task.spec.dataSchema;
  const dimsSpec = ds.dimensionsSpec;
  const transforms = new Set(ds.transformSpec.transforms.map((t) => t.name));
  const dims = new Map<string, FieldKind>(dimsSpec.dimensions.map((d) => [d.name, d.type]));

  const excluded = new Set<string>(['__time', ds.timestampSpec.column, ...dimsSpec.dimensionExclusions]);
  for (const m of ds.metricsSpec) {
    excluded.add(m.name);
    if (m.fieldName) excluded.add(m.fieldName);
  }
  const discover = dims.size === 0 || dimsSpec.useSchemaDiscovery || dimsSpec.includeAllDimensions;
  if (discover) {
    for (const f of discovered ?? []) {
      if (excluded.has(f.name) || dims.has(f.name)) continue;
      if (dimsSpec.useSchemaDiscovery) dims.set(f.name, f.kind);
      else if (f.kind !== 'json') dims.set(f.name, 'string');
    }
  }

  // Every name something reads: timestamp, dimensions, metric inputs, transform and filter inputs.
  const needed = new Set<string>([ds.timestampSpec.column, ...dims.keys()]);
  for (const m of ds.metricsSpec) if (m.fieldName) needed.add(m.fieldName);
  for (const t of ds.transformSpec.transforms) identifiersOf(t.ast, needed);
  if (ds.transformSpec.filter) for (const c of filterColumns(ds.transformSpec.filter)) if (!transforms.has(c)) needed.add(c);
  // `__time` in an expression is the row timestamp, not an input field, unless the input names it so.
  if (ds.timestampSpec.column !== '__time') needed.delete('__time');

  // JSON numbers stay numbers for transforms, filters and metrics, as in Druid's parsed rows; the
  // detected type (consistent over DuckDB's sample) stands in for each value's own JSON type.
  const inferred = new Map<string, FieldKind>();
  if (task.spec.ioConfig.inputFormat.type === 'json') {
    for (const f of discovered ?? []) if (f.kind === 'long' || f.kind === 'double' || f.kind === 'boolean') inferred.set(f.name, f.kind);
  }
  const fields: InputField[] = [...needed].map((name, i) => {
    // A field feeding a transformed dimension of the same name is read raw; the transform decides.
    if (dims.has(name) && !transforms.has(name)) return { name, alias: `f${i}`, kind: dims.get(name) as FieldKind, declared: dimsSpec.dimensions.some((d) => d.name === name) };
    return { name, alias: `f${i}`, kind: inferred.get(name) ?? 'string', declared: false };
  });
  const column = (name: string, alias: string, kind: FieldKind): OutputColumn => ({ name, alias, kind, duckType: DUCK_TYPE[kind], druidType: DRUID_TYPE[kind] });
  return {
    fields,
    dimensions: [...dims.entries()].map(([name, kind], i) => column(name, `d${i}`, kind)),
    metrics: ds.metricsSpec.map((spec, i) => ({ ...column(spec.name, `m${i}`, METRIC_KIND(spec)), spec })),
  };
}
