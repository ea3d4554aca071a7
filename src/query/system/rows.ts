import type { SegmentRecord } from '../../core/types.js';
import { visibleSegments } from '../../segments/timeline.js';
import type { TaskStatusPlus } from '../../core/task-status.js';

/**
 * Rows of sys.segments, sys.tasks and sys.servers, keyed by Druid's column names. Grove is one
 * process that publishes, serves and queries every segment, so several of Druid's cluster-state
 * columns have fixed values here; each is explained where it is set.
 */

export type SystemValue = string | number | null;
export type SystemRow = Record<string, SystemValue>;

/** Ids of used segments that newer versions of the same datasource cover completely. */
export function overshadowedIds(segments: readonly SegmentRecord[]): Set<string> {
  // visibleSegments keeps exactly the segments with some part not covered by a newer version.
  const visible = new Set(visibleSegments(segments).map((v) => v.segment.id));
  return new Set(segments.filter((s) => s.used && !visible.has(s.id)).map((s) => s.id));
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * sys.segments: one row per used segment, overshadowed ones included, as Druid lists published
 * segments. `present` says whether the segment's file is in deep storage now (looked at per query).
 */
export function segmentRows(segments: readonly SegmentRecord[], present: (s: SegmentRecord) => boolean): SystemRow[] {
  const overshadowed = overshadowedIds(segments);
  return segments
    .filter((s) => s.used)
    .map((s) => {
      const isOvershadowed = overshadowed.has(s.id);
      const here = present(s) ? 1 : 0;
      return {
        segment_id: s.id,
        datasource: s.dataSource,
        start: iso(s.interval.start),
        end: iso(s.interval.end),
        size: s.size,
        version: s.version,
        partition_num: s.partitionNum,
        // The segment file in deep storage is what this process serves: one copy, if the file is there.
        num_replicas: here,
        num_rows: s.numRows,
        is_active: isOvershadowed ? 0 : 1,
        is_published: 1,
        is_available: here,
        is_realtime: 0,
        is_overshadowed: isOvershadowed ? 1 : 0,
        // partitions 0 = no "core" partition set: every partition of a version counts on its own,
        // which is how Grove's timeline treats them (a version is complete once published).
        shard_spec: JSON.stringify({ type: 'numbered', partitionNum: s.partitionNum, partitions: 0 }),
        dimensions: JSON.stringify(s.dimensions),
        metrics: JSON.stringify(s.metrics),
        projections: null,
        last_compaction_state: null,
        // Druid's coordinator evaluates load rules only for segments that are not overshadowed and
        // reports -1 for the rest; Grove's one implicit rule is "one replica, here".
        replication_factor: isOvershadowed ? -1 : 1,
      };
    });
}

/**
 * sys.tasks from the same TaskStatusPlus list GET /druid/indexer/v1/tasks answers with. A task can
 * end between reading the queue and reading the store and show up in both; its final state wins.
 */
export function taskRows(tasks: readonly TaskStatusPlus[]): SystemRow[] {
  const byId = new Map<string, TaskStatusPlus>();
  for (const t of tasks) {
    const seen = byId.get(t.id);
    if (!seen || seen.statusCode === 'RUNNING') byId.set(t.id, t);
  }
  return [...byId.values()].map((t) => {
    const { host, port, tlsPort } = t.location;
    return {
      task_id: t.id,
      group_id: t.groupId,
      type: t.type,
      datasource: t.dataSource,
      created_time: t.createdTime,
      queue_insertion_time: t.queueInsertionTime,
      status: t.statusCode,
      runner_status: t.runnerStatusCode,
      duration: t.duration,
      // TaskLocation.getLocation(): host:port, the TLS port when there is one, null without a host.
      location: host === null ? null : `${host}:${tlsPort >= 0 ? tlsPort : port}`,
      host,
      plaintext_port: port,
      tls_port: tlsPort,
      error_msg: t.errorMsg,
    };
  });
}

/** This process, for sys.servers. */
export interface ServerInfo {
  readonly host: string;
  readonly port: number;
  /** ISO time the process started. */
  readonly startTime: string;
  readonly version: string;
}

/**
 * sys.servers: Grove is every Druid service at once, so it lists itself once per role it plays,
 * all with the same host:port, the way a combined coordinator-overlord appears twice in Druid. The
 * web console's Services view groups these rows by server_type.
 */
export function serverRows(info: ServerInfo, segments: readonly SegmentRecord[]): SystemRow[] {
  const served = segments.filter((s) => s.used).reduce((sum, s) => sum + s.size, 0);
  const base = { server: `${info.host}:${info.port}`, host: info.host, plaintext_port: info.port, tls_port: -1 };
  const row = (type: string, extra: Partial<SystemRow> = {}): SystemRow => ({
    ...base,
    server_type: type,
    tier: null,
    // Druid reports 0, not null, for sizes it does not know (non-data servers).
    curr_size: 0,
    max_size: 0,
    is_leader: null,
    start_time: info.startTime,
    version: info.version,
    labels: null,
    ...extra,
  });
  // Druid's NodeRole order. There is only one coordinator and one overlord, so each leads.
  return [
    row('coordinator', { is_leader: 1 }),
    // Grove sets no limit on what it serves: max_size stays 0 ("unknown").
    row('historical', { tier: '_default_tier', curr_size: served }),
    row('broker'),
    row('overlord', { is_leader: 1 }),
    row('router'),
    row('indexer'),
  ];
}
