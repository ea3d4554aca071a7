import type { SqlQuery } from 'druid-query-toolkit';
import { SqlColumn, SqlStar } from 'druid-query-toolkit';
import { DUCKDB_TYPE_OF, type SegmentRecord } from '../../../core/types.js';
import { unionSchema } from '../../../segments/schema.js';
import { findTables, objectNotFound } from '../tables.js';
import { widenForZone } from '../time-filter.js';
import { visibleSegments } from '../../../segments/timeline.js';
import type { DataSourceInput } from '../../../msq/types.js';

/**
 * Datasources a statement reads (`FROM wiki`, `druid."wiki"`): each becomes an input whose splits
 * are its visible segments. Only the columns the statement names are read, unless it selects `*`;
 * the time ranges its WHERE clauses allow prune segments, as the query engine prunes them.
 */

/** Used segments (overshadowed ones included) of the named datasources, from the metadata store. */
export type ListSegments = (dataSources: string[]) => Promise<SegmentRecord[]>;

const EXTERNAL_RELATION = /^__input\d+$/;

/** Every column name the statement mentions, or null when it selects `*` somewhere (read all). */
function mentionedColumns(query: SqlQuery): Set<string> | null {
  const names = new Set<string>();
  let star = false;
  query.walk((node) => {
    if (node instanceof SqlStar) star = true;
    else if (node instanceof SqlColumn) names.add(node.getName());
    return node;
  });
  return star ? null : names;
}

export async function extractDataSources(query: SqlQuery, sql: string, listSegments: ListSegments | undefined, timeZone: string): Promise<DataSourceInput[]> {
  const usage = findTables(query);
  const refs = usage.refs.filter((r) => (r.schema === undefined || r.schema.toLowerCase() === 'druid') && !EXTERNAL_RELATION.test(r.name));
  if (refs.length === 0) return [];
  const names = [...new Set(refs.map((r) => r.name))];
  const segments = listSegments ? await listSegments(names) : [];
  const byDataSource = new Map<string, SegmentRecord[]>();
  for (const v of visibleSegments(segments)) {
    const list = byDataSource.get(v.segment.dataSource) ?? [];
    list.push(v.segment);
    byDataSource.set(v.segment.dataSource, list);
  }
  const missing = refs.find((r) => !byDataSource.has(r.name));
  if (missing) throw objectNotFound(sql, missing);
  const mentioned = mentionedColumns(query);
  return names.map((dataSource) => {
    const schema = unionSchema(byDataSource.get(dataSource) ?? []);
    const wanted = (name: string): boolean => mentioned === null || mentioned.has(name);
    const columns: Array<{ name: string; duckType: string }> = [];
    for (const [name, type] of schema) if (wanted(name)) columns.push({ name, duckType: DUCKDB_TYPE_OF[type] ?? 'VARCHAR' });
    // A relation needs a column even for COUNT(*); __time is the one every segment has.
    if (wanted('__time') || columns.length === 0) columns.unshift({ name: '__time', duckType: 'TIMESTAMP' });
    return { dataSource, relation: dataSource, filter: widenForZone(usage.filters.get(dataSource) ?? null, timeZone), columns };
  });
}
