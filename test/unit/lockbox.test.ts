import { describe, expect, it } from 'vitest';
import { Lockbox, type LockRequest } from '../../src/tasks/lockbox.js';
import { isSafeTaskId } from '../../src/core/checks.js';

const DAY = 86_400_000;
const day = (n: number) => ({ start: n * DAY, end: (n + 1) * DAY });
const req = (taskId: string, type: 'exclusive' | 'shared', priority = 50, intervals = [day(0)], groupId = taskId): LockRequest =>
  ({ taskId, groupId, dataSource: 'ds', priority, type, intervals });

describe('Lockbox', () => {
  it('grants an exclusive lock once; a second exclusive on the chunk is blocked by the holder', () => {
    const box = new Lockbox();
    const a = box.tryAcquire(req('a', 'exclusive'), () => 'v1');
    expect(a).toMatchObject({ granted: true });
    const b = box.tryAcquire(req('b', 'exclusive'), () => 'v2');
    expect(b).toEqual({ granted: false, blockers: ['a'], preempt: [] });
  });

  it('lets shared locks coexist on one chunk with one version, and blocks exclusive ones', () => {
    const box = new Lockbox();
    const a = box.tryAcquire(req('a', 'shared'), () => 'v1');
    const b = box.tryAcquire(req('b', 'shared'), () => 'v2');
    expect(a.granted && b.granted).toBe(true);
    if (a.granted && b.granted) expect(b.locks[0].version).toBe(a.locks[0].version);
    expect(box.tryAcquire(req('c', 'exclusive'), () => 'v3').granted).toBe(false);
  });

  it('shares locks inside a task group and gives a task its own lock back when it asks again', () => {
    const box = new Lockbox();
    box.tryAcquire(req('ctl', 'exclusive'), () => 'v1');
    const worker = box.tryAcquire(req('ctl-worker0_0', 'exclusive', 50, [day(0)], 'ctl'), () => 'v2');
    expect(worker).toMatchObject({ granted: true });
    const again = box.tryAcquire(req('ctl', 'exclusive'), () => 'v9');
    expect(again).toMatchObject({ granted: true, added: [] });
    if (again.granted) expect(again.locks.map((l) => l.version)).toEqual(['v1']);
  });

  it('offers preemption only when every blocker has lower priority and is not publishing', () => {
    const box = new Lockbox();
    box.tryAcquire(req('low', 'exclusive', 10), () => 'v1');
    expect(box.tryAcquire(req('high', 'exclusive', 90), () => 'v2')).toEqual({ granted: false, blockers: ['low'], preempt: ['low'] });
    box.setPublishing('low', true);
    expect(box.tryAcquire(req('high', 'exclusive', 90), () => 'v2')).toEqual({ granted: false, blockers: ['low'], preempt: [] });
    box.setPublishing('low', false);
    box.revoke('low');
    expect(box.tryAcquire(req('high', 'exclusive', 90), () => 'v2')).toMatchObject({ granted: true });
  });

  it('does not block across datasources or disjoint chunks; release frees the chunk', () => {
    const box = new Lockbox();
    box.tryAcquire(req('a', 'exclusive'), () => 'v1');
    expect(box.tryAcquire(req('b', 'exclusive', 50, [day(1)]), () => 'v2').granted).toBe(true);
    expect(box.tryAcquire({ ...req('c', 'exclusive'), dataSource: 'other' }, () => 'v3').granted).toBe(true);
    box.release('a');
    expect(box.tryAcquire(req('d', 'exclusive'), () => 'v4').granted).toBe(true);
  });

  it('issues strictly increasing versions', () => {
    const box = new Lockbox();
    const vs = Array.from({ length: 50 }, () => box.newVersion());
    expect([...vs].sort()).toEqual(vs);
    expect(new Set(vs).size).toBe(50);
  });
});

describe('task ids', () => {
  it.each([['index_parallel_wiki auto_x_2020-01-01T00:00:00.000Z', true], ['..', false], ['.hidden', false], ['a/b', false], ['', false], [' x', false], ['x'.repeat(256), false], ['québec_1', true]])(
    '%j safe: %s', (id, safe) => expect(isSafeTaskId(id)).toBe(safe));
});
