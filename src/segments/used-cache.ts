import type { SegmentRecord } from '../core/types.js';

/**
 * The used segments of each datasource, kept in memory for the query path: every SQL query needs
 * them, and reading and decoding them from the metadata store was the largest fixed cost of a
 * short query. Only publishing changes them (new segments and drops in one transaction), and the
 * scheduler calls `invalidate` as soon as that transaction commits, before anything else can see
 * the task's SUCCESS. A read that started before an invalidation is answered but never cached.
 */
export class UsedSegmentsCache {
  readonly #load: (dataSources: string[]) => Promise<SegmentRecord[]>;
  readonly #byDataSource = new Map<string, SegmentRecord[]>();
  #generation = 0;

  constructor(load: (dataSources: string[]) => Promise<SegmentRecord[]>) {
    this.#load = load;
  }

  async get(dataSources: readonly string[]): Promise<SegmentRecord[]> {
    const missing = [...new Set(dataSources.filter((d) => !this.#byDataSource.has(d)))];
    if (missing.length > 0) {
      const generation = this.#generation;
      const loaded = await this.#load(missing);
      const grouped = new Map<string, SegmentRecord[]>(missing.map((d) => [d, []]));
      for (const s of loaded) grouped.get(s.dataSource)?.push(s);
      if (generation === this.#generation) for (const [d, list] of grouped) this.#byDataSource.set(d, list);
      return dataSources.flatMap((d) => grouped.get(d) ?? this.#byDataSource.get(d) ?? []);
    }
    return dataSources.flatMap((d) => this.#byDataSource.get(d) ?? []);
  }

  /** Forgets everything: called when a publish has committed. */
  invalidate(): void {
    this.#generation++;
    this.#byDataSource.clear();
  }
}
