/** The few Druid Overlord calls the benchmark makes, over plain fetch. */

export interface TaskStatus {
  readonly id: string;
  readonly statusCode: 'RUNNING' | 'SUCCESS' | 'FAILED';
  readonly runnerStatusCode: 'WAITING' | 'PENDING' | 'RUNNING' | 'NONE';
  readonly duration: number;
  readonly errorMsg: string | null;
}

async function json(res: Response, what: string): Promise<unknown> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return text === '' ? null : JSON.parse(text);
}

export async function submitTask(url: string, spec: unknown): Promise<string> {
  const res = await fetch(`${url}/druid/indexer/v1/task`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  const body = (await json(res, 'submit task')) as { task?: string };
  if (typeof body?.task !== 'string') throw new Error(`submit task: unexpected answer ${JSON.stringify(body)}`);
  return body.task;
}

export async function taskStatus(url: string, id: string): Promise<TaskStatus> {
  const res = await fetch(`${url}/druid/indexer/v1/task/${encodeURIComponent(id)}/status`);
  const body = (await json(res, `status of ${id}`)) as { status: TaskStatus };
  return body.status;
}

export const isComplete = (s: TaskStatus): boolean => s.statusCode === 'SUCCESS' || s.statusCode === 'FAILED';

export async function waitForTask(url: string, id: string, pollMs: number, timeoutMs = 3_600_000): Promise<TaskStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await taskStatus(url, id);
    if (isComplete(s)) return s;
    if (Date.now() > deadline) throw new Error(`task ${id} still ${s.statusCode}/${s.runnerStatusCode} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** An index_parallel spec over the generated wikipedia file, rollup off, DAY segments. */
export function wikipediaIngestSpec(dataSource: string, baseDir: string, fileName: string, format: 'json' | 'csv', subTasks: number): unknown {
  const longs = ['metroCode', 'delta', 'added', 'deleted', 'commentLength'];
  const strings = [
    'channel', 'cityName', 'comment', 'countryIsoCode', 'countryName', 'isAnonymous', 'isMinor', 'isNew', 'isRobot',
    'isUnpatrolled', 'namespace', 'page', 'regionIsoCode', 'regionName', 'user', 'flags', 'diffUrl',
  ];
  return {
    type: 'index_parallel',
    spec: {
      dataSchema: {
        dataSource,
        timestampSpec: { column: 'time', format: 'iso' },
        dimensionsSpec: {
          dimensions: [
            ...strings,
            ...longs.map((name) => ({ type: 'long', name })),
            { type: 'double', name: 'deltaBucket' },
          ],
        },
        metricsSpec: [],
        granularitySpec: { segmentGranularity: 'day', queryGranularity: 'none', rollup: false },
      },
      ioConfig: {
        type: 'index_parallel',
        inputSource: { type: 'local', baseDir, filter: fileName },
        inputFormat: format === 'json' ? { type: 'json' } : { type: 'csv', findColumnsFromHeader: true },
        appendToExisting: false,
      },
      tuningConfig: { type: 'index_parallel', maxNumConcurrentSubTasks: subTasks, partitionsSpec: { type: 'dynamic' } },
    },
  };
}

/** A tiny inline ingestion: what a scheduling-latency probe submits. */
export function inlineSpec(dataSource: string, n: number): unknown {
  const rows = Array.from({ length: 3 }, (_, k) => JSON.stringify({ time: `2015-09-12T00:00:0${k}Z`, page: `p${n}`, added: k }));
  return {
    type: 'index_parallel',
    spec: {
      dataSchema: {
        dataSource,
        timestampSpec: { column: 'time', format: 'iso' },
        dimensionsSpec: { dimensions: ['page', { type: 'long', name: 'added' }] },
        granularitySpec: { segmentGranularity: 'day', queryGranularity: 'none', rollup: false },
      },
      ioConfig: { type: 'index_parallel', inputSource: { type: 'inline', data: rows.join('\n') }, inputFormat: { type: 'json' }, appendToExisting: true },
      tuningConfig: { type: 'index_parallel' },
    },
  };
}
