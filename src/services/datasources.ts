import type { DruidColumnType, SegmentRecord } from '../core/types.js';
import { schemasByDataSource } from '../segments/schema.js';
import { UsedSegmentsCache } from '../segments/used-cache.js';
import type { Db } from '../store/db.js';
import { listDataSources, listUsedSegments } from '../store/segments.js';

/**
 * Datasources and their used segments. Queries read the segments from memory (`cached`), cleared
 * around every publish; jobs that must read one consistent snapshot (MSQ planning and its
 * controller) read the store (`current`).
 */
export class DatasourceService {
  readonly #db: Db;
  readonly #cache: UsedSegmentsCache;

  constructor(db: Db) {
    this.#db = db;
    this.#cache = new UsedSegmentsCache((names) => listUsedSegments(db, names));
  }

  /** Names of datasources with used segments. */
  names(): Promise<string[]> {
    return listDataSources(this.#db);
  }

  /** Used segments of these datasources (overshadowed ones included), from memory. */
  cached(dataSources: readonly string[]): Promise<SegmentRecord[]> {
    return this.#cache.get(dataSources);
  }

  /** Every datasource with data, and its columns (the union over its visible segments). */
  async schemas(): Promise<Map<string, Map<string, DruidColumnType>>> {
    return schemasByDataSource(await this.cached(await this.names()));
  }

  /** Used segments as the store has them now. */
  current(dataSources: readonly string[]): Promise<SegmentRecord[]> {
    return listUsedSegments(this.#db, [...dataSources]);
  }

  /** A publish is starting or has ended: what memory holds may be stale. */
  published(): void {
    this.#cache.invalidate();
  }
}
