import { describe, expect, it } from 'vitest';
import type { Interval, SegmentRecord } from '../../src/core/types.js';
import { segmentId } from '../../src/core/types.js';
import { overshadowedIds, segmentRows, serverRows, taskRows } from '../../src/query/system/index.js';
import type { TaskStatusPlus } from '../../src/core/task-status.js';

const iv = (a: string, b: string): Interval => ({ start: Date.parse(a), end: Date.parse(b) });
const V1 = '2024-01-01T00:00:00.000Z';
const V2 = '2024-02-01T00:00:00.000Z';

function seg(ds: string, interval: Interval, version: string, partitionNum = 0, extra: Partial<SegmentRecord> = {}): SegmentRecord {
  return {
    id: segmentId(ds, interval, version, partitionNum),
    dataSource: ds,
    interval,
    version,
    partitionNum,
    path: 'x',
    size: 100,
    numRows: 10,
    used: true,
    dimensions: ['page'],
    metrics: [],
    columns: [{ name: '__time', type: 'LONG' }, { name: 'page', type: 'STRING' }],
    createdDate: version,
    ...extra,
  };
}

const DAY = iv('2021-03-01', '2021-03-02');
const MONTH = iv('2021-03-01', '2021-04-01');

describe('sys.segments rows', () => {
  it('marks fully covered segments overshadowed and inactive; partly covered ones stay active', () => {
    const oldDay = seg('w', DAY, V1);
    const newDay = seg('w', DAY, V2, 0, { numRows: 3, size: 55, dimensions: ['page', 'n'], metrics: ['count'] });
    const month = seg('w', MONTH, V1, 1);
    const other = seg('o', DAY, V1);
    const unused = seg('w', iv('2021-05-01', '2021-05-02'), V1, 0, { used: false });
    const segments = [oldDay, newDay, month, other, unused];
    expect(overshadowedIds(segments)).toEqual(new Set([oldDay.id]));

    // The other day's file is missing from deep storage: no replica, not available.
    const rows = segmentRows(segments, (s) => s.id !== month.id);
    expect(rows.map((r) => r.segment_id)).toEqual([oldDay.id, newDay.id, month.id, other.id]);
    const byId = new Map(rows.map((r) => [r.segment_id, r]));
    expect(byId.get(oldDay.id)).toMatchObject({ is_overshadowed: 1, is_active: 0, replication_factor: -1, is_published: 1 });
    expect(byId.get(month.id)).toMatchObject({ is_overshadowed: 0, is_active: 1, partition_num: 1, num_replicas: 0, is_available: 0 });
    expect(byId.get(newDay.id)).toEqual({
      segment_id: newDay.id,
      datasource: 'w',
      start: '2021-03-01T00:00:00.000Z',
      end: '2021-03-02T00:00:00.000Z',
      size: 55,
      version: V2,
      partition_num: 0,
      num_replicas: 1,
      num_rows: 3,
      is_active: 1,
      is_published: 1,
      is_available: 1,
      is_realtime: 0,
      is_overshadowed: 0,
      shard_spec: '{"type":"numbered","partitionNum":0,"partitions":0}',
      dimensions: '["page","n"]',
      metrics: '["count"]',
      projections: null,
      last_compaction_state: null,
      replication_factor: 1,
    });
  });

  it('never lets one version overshadow its own partitions', () => {
    const segments = [seg('w', DAY, V1, 0), seg('w', DAY, V1, 1)];
    expect(segmentRows(segments, () => true).map((r) => r.is_overshadowed)).toEqual([0, 0]);
  });
});

function task(id: string, extra: Partial<TaskStatusPlus> = {}): TaskStatusPlus {
  return {
    id,
    groupId: id,
    type: 'index_parallel',
    createdTime: '2024-01-01T00:00:00.000Z',
    queueInsertionTime: '1970-01-01T00:00:00.000Z',
    statusCode: 'RUNNING',
    status: 'RUNNING',
    runnerStatusCode: 'RUNNING',
    duration: -1,
    location: { host: '127.0.0.1', port: 8888, tlsPort: -1 },
    dataSource: 'w',
    errorMsg: null,
    ...extra,
  };
}

describe('sys.tasks rows', () => {
  it('maps TaskStatusPlus to Druid columns, with location only where there is a host', () => {
    const rows = taskRows([
      task('a'),
      task('b', { runnerStatusCode: 'WAITING', location: { host: null, port: -1, tlsPort: -1 } }),
      task('c', { statusCode: 'FAILED', status: 'FAILED', runnerStatusCode: 'NONE', duration: 42, errorMsg: 'boom', type: 'noop' }),
    ]);
    expect(rows[0]).toEqual({
      task_id: 'a',
      group_id: 'a',
      type: 'index_parallel',
      datasource: 'w',
      created_time: '2024-01-01T00:00:00.000Z',
      queue_insertion_time: '1970-01-01T00:00:00.000Z',
      status: 'RUNNING',
      runner_status: 'RUNNING',
      duration: -1,
      location: '127.0.0.1:8888',
      host: '127.0.0.1',
      plaintext_port: 8888,
      tls_port: -1,
      error_msg: null,
    });
    expect(rows[1]).toMatchObject({ runner_status: 'WAITING', location: null, host: null, plaintext_port: -1 });
    expect(rows[2]).toMatchObject({ status: 'FAILED', runner_status: 'NONE', duration: 42, error_msg: 'boom', type: 'noop' });
  });

  it('uses the TLS port in location when the task has one', () => {
    expect(taskRows([task('a', { location: { host: 'h', port: 1, tlsPort: 2 } })])[0].location).toBe('h:2');
  });

  it('keeps the finished state of a task listed both as active and complete', () => {
    const done = task('a', { statusCode: 'SUCCESS', status: 'SUCCESS', runnerStatusCode: 'NONE', duration: 5 });
    expect(taskRows([task('a'), done]).map((r) => r.status)).toEqual(['SUCCESS']);
    expect(taskRows([done, task('a')]).map((r) => r.status)).toEqual(['SUCCESS']);
  });
});

describe('sys.servers rows', () => {
  it('lists this process once per Druid role, the historical serving every used segment', () => {
    const info = { host: 'localhost', port: 8888, startTime: '2024-01-01T00:00:00.000Z', version: '1.2.3' };
    const rows = serverRows(info, [seg('w', DAY, V1), seg('w', DAY, V2), seg('w', MONTH, V1, 0, { used: false })]);
    expect(rows.map((r) => r.server_type)).toEqual(['coordinator', 'historical', 'broker', 'overlord', 'router', 'indexer']);
    for (const r of rows) {
      expect(r).toMatchObject({ server: 'localhost:8888', host: 'localhost', plaintext_port: 8888, tls_port: -1, start_time: info.startTime, version: '1.2.3', labels: null });
    }
    expect(rows[1]).toMatchObject({ tier: '_default_tier', curr_size: 200, max_size: 0, is_leader: null });
    expect(rows[0].is_leader).toBe(1);
    expect(rows[3].is_leader).toBe(1);
    expect(rows[2]).toMatchObject({ tier: null, curr_size: 0, is_leader: null });
  });
});
