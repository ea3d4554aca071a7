import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { ColumnInfo, DruidColumnType, Interval, SegmentRecord } from '../../src/core/types.js';
import { segmentId } from '../../src/core/types.js';
import { compileEsql, type EsqlCatalog } from '../../src/lang/esql/compile.js';
import { esqlColumns, esqlQueryPlan, esqlRow } from '../../src/lang/esql/plan.js';
import { executeQuery, type QueryDeps } from '../../src/query/index.js';
import { schemasByDataSource } from '../../src/segments/schema.js';

const DRUID_TYPE: Record<string, DruidColumnType> = {
  VARCHAR: 'STRING', BIGINT: 'LONG', DOUBLE: 'DOUBLE', FLOAT: 'FLOAT', JSON: 'COMPLEX<json>', 'VARCHAR[]': 'ARRAY<STRING>', 'BIGINT[]': 'ARRAY<LONG>',
};

/** Segments written as Parquet files the way ingestion writes them, and the engine's view of them. */
export class SegmentFixture {
  readonly segments: SegmentRecord[] = [];

  constructor(
    readonly dir: string,
    readonly writer: DuckDBInstance,
    readonly engine: DuckDBInstance,
  ) {}

  /** Writes the rows of `select` (with a TIMESTAMP `__time`) as one segment of `ds`. */
  async add(ds: string, interval: Interval, select: string, version = '2024-01-01T00:00:00.000Z', partitionNum = 0): Promise<SegmentRecord> {
    const rel = `${ds}/${interval.start}_${interval.end}/${version.replaceAll(':', '_')}/${partitionNum}.parquet`;
    mkdirSync(path.dirname(path.join(this.dir, rel)), { recursive: true });
    const conn = await this.writer.connect();
    await conn.run(`COPY (${select}) TO '${path.join(this.dir, rel)}' (FORMAT parquet)`);
    const described = (await conn.runAndReadAll(`DESCRIBE ${select}`)).getRowsJS();
    conn.closeSync();
    const columns: ColumnInfo[] = described
      .filter((r) => r[0] !== '__time')
      .map((r) => ({ name: String(r[0]), type: DRUID_TYPE[String(r[1])] ?? 'STRING' }));
    const record: SegmentRecord = {
      id: segmentId(ds, interval, version, partitionNum),
      dataSource: ds, interval, version, partitionNum, path: rel, size: 1, numRows: 1, used: true,
      dimensions: columns.map((c) => c.name), metrics: [], columns, createdDate: version,
    };
    this.segments.push(record);
    return record;
  }

  deps(): QueryDeps {
    return {
      listUsedSegments: async (names) => this.segments.filter((s) => names.includes(s.dataSource) && s.used),
      knownDataSources: async () => [...new Set(this.segments.map((s) => s.dataSource))],
      deepStorageDir: this.dir,
      duckdb: this.engine,
    };
  }

  catalog(): EsqlCatalog {
    const schemas = schemasByDataSource(this.segments);
    return { names: [...schemas.keys()].sort(), schema: (n) => schemas.get(n) ?? new Map() };
  }

  /** An ES|QL query compiled and run as the sync API runs it; values as Elasticsearch prints them. */
  async esql(query: string, params: unknown[] = []) {
    const program = compileEsql(query, params, this.catalog());
    const result = await executeQuery(esqlQueryPlan(program, `t-${Math.random()}`), this.deps());
    const columns = esqlColumns(program);
    return {
      columns: columns.map((c) => ({ name: c.name, type: c.type })),
      values: result.rows.map((r) => esqlRow(columns, r)),
      warnings: program.warnings,
      program,
      plan: result.plan,
    };
  }
}
