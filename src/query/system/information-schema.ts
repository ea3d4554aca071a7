import type { DruidColumnType, SegmentRecord } from '../../core/types.js';
import { schemasByDataSource } from '../../segments/schema.js';
export { leastRestrictive } from '../../segments/schema.js';
import { SCHEMA_NAMES, SYSTEM_TABLES, type SystemColumnType } from './catalog.js';
import type { SystemRow } from './rows.js';

/**
 * INFORMATION_SCHEMA.SCHEMATA, TABLES and COLUMNS as Druid 37 fills them (InformationSchema.java;
 * values checked against Druid's CatalogSchemaTest): catalog `druid`, 1-based ORDINAL_POSITION,
 * Calcite's precision/scale/charset for each SQL type, and every column nullable except __time
 * (SQL-compatible null handling, the only mode since Druid 32).
 */

const CATALOG = 'druid';

/** Calcite's NameMap order: case-insensitive first, then case-sensitive. */
export function calciteOrder(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/** ColumnType.leastRestrictiveType: what one column becomes when segments disagree on its type. */

export interface TableColumn {
  readonly name: string;
  /** Druid SQL type name: TIMESTAMP, BIGINT, FLOAT, DOUBLE, VARCHAR, ARRAY, COMPLEX<json>. */
  readonly sqlType: string;
}

export function sqlTypeOf(t: DruidColumnType): string {
  switch (t) {
    case 'LONG':
      return 'BIGINT';
    case 'FLOAT':
      return 'FLOAT';
    case 'DOUBLE':
      return 'DOUBLE';
    case 'STRING':
      return 'VARCHAR';
    case 'COMPLEX<json>':
      return 'COMPLEX<json>';
    default:
      return 'ARRAY';
  }
}

/**
 * Each datasource's SQL schema: __time, then the union of its visible segments' columns with the
 * newest time chunks read first, so a column keeps the position it has in recent data (Druid's
 * broker segment metadata cache iterates segments by interval start, descending).
 */
export function dataSourceColumns(segments: readonly SegmentRecord[]): Map<string, TableColumn[]> {
  const schemas = schemasByDataSource(segments);
  const out = new Map<string, TableColumn[]>();
  for (const ds of [...schemas.keys()].sort(calciteOrder)) {
    const cols = [...schemas.get(ds)!].map(([name, t]) => ({ name, sqlType: sqlTypeOf(t) }));
    out.set(ds, [{ name: '__time', sqlType: 'TIMESTAMP' }, ...cols]);
  }
  return out;
}

export function schemataRows(): SystemRow[] {
  return SCHEMA_NAMES.map((name) => ({
    CATALOG_NAME: CATALOG,
    SCHEMA_NAME: name,
    SCHEMA_OWNER: null,
    DEFAULT_CHARACTER_SET_CATALOG: null,
    DEFAULT_CHARACTER_SET_SCHEMA: null,
    DEFAULT_CHARACTER_SET_NAME: null,
    SQL_PATH: null,
  }));
}

interface Listed {
  readonly schema: string;
  readonly name: string;
  readonly type: 'TABLE' | 'SYSTEM_TABLE';
  readonly columns: readonly TableColumn[];
}

const SYSTEM_SQL_TYPE: Record<SystemColumnType, string> = { VARCHAR: 'VARCHAR', BIGINT: 'BIGINT' };

/** Every table in SCHEMATA order; lookup and view have none in Grove. */
function listTables(dataSources: ReadonlyMap<string, readonly TableColumn[]>): Listed[] {
  const out: Listed[] = [];
  for (const schema of SCHEMA_NAMES) {
    if (schema === 'druid') {
      for (const [name, columns] of dataSources) out.push({ schema, name, type: 'TABLE', columns });
      continue;
    }
    const tables = SYSTEM_TABLES.filter((t) => t.schema === schema).sort((a, b) => calciteOrder(a.name, b.name));
    for (const t of tables) {
      const columns = t.columns.map((c) => ({ name: c.name, sqlType: SYSTEM_SQL_TYPE[c.type] }));
      out.push({ schema, name: t.name, type: 'SYSTEM_TABLE', columns });
    }
  }
  return out;
}

/** Only a datasource's names matter for TABLES; columns may be left empty. */
export function tableRows(dataSources: ReadonlyMap<string, readonly TableColumn[]>): SystemRow[] {
  return listTables(dataSources).map((t) => ({
    TABLE_CATALOG: CATALOG,
    TABLE_SCHEMA: t.schema,
    TABLE_NAME: t.name,
    TABLE_TYPE: t.type,
    // Lookups and broadcast datasources would say YES; Grove has neither.
    IS_JOINABLE: 'NO',
    IS_BROADCAST: 'NO',
  }));
}

/** Calcite's metadata for one SQL type: [precision, radix, scale, datetime precision, JDBC type]. */
const TYPE_INFO: Record<string, [number | null, number | null, number | null, number | null, number]> = {
  TIMESTAMP: [null, null, null, 3, 93],
  BIGINT: [19, 10, 0, null, -5],
  // Calcite leaves the scale of approximate types unspecified: Integer.MIN_VALUE.
  FLOAT: [15, 10, -2147483648, null, 6],
  DOUBLE: [15, 10, -2147483648, null, 8],
  VARCHAR: [null, null, null, null, 12],
  ARRAY: [null, null, null, null, 2003],
};
const OTHER = 1111;

export function columnRows(dataSources: ReadonlyMap<string, readonly TableColumn[]>): SystemRow[] {
  const rows: SystemRow[] = [];
  for (const t of listTables(dataSources)) {
    t.columns.forEach((c, i) => {
      const [precision, radix, scale, datetime, jdbc] = TYPE_INFO[c.sqlType] ?? [null, null, null, null, OTHER];
      const isChar = c.sqlType === 'VARCHAR';
      rows.push({
        TABLE_CATALOG: CATALOG,
        TABLE_SCHEMA: t.schema,
        TABLE_NAME: t.name,
        COLUMN_NAME: c.name,
        ORDINAL_POSITION: i + 1,
        COLUMN_DEFAULT: '',
        IS_NULLABLE: t.type === 'TABLE' && c.name === '__time' ? 'NO' : 'YES',
        DATA_TYPE: c.sqlType,
        CHARACTER_MAXIMUM_LENGTH: null,
        CHARACTER_OCTET_LENGTH: null,
        NUMERIC_PRECISION: precision,
        NUMERIC_PRECISION_RADIX: radix,
        NUMERIC_SCALE: scale,
        DATETIME_PRECISION: datetime,
        CHARACTER_SET_NAME: isChar ? 'UTF-16LE' : null,
        COLLATION_NAME: isChar ? 'UTF-16LE$en_US$primary' : null,
        JDBC_TYPE: jdbc,
      });
    });
  }
  return rows;
}
