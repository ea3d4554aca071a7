import path from 'node:path';

export const FIXTURES = path.resolve('test/fixtures');

/** The seed's "Submit a task" request body, verbatim (druid-tasks-api.md). */
export function seedSubmitSpec(): Record<string, any> {
  return {
    type: 'index_parallel',
    spec: {
      dataSchema: {
        dataSource: 'wikipedia_auto',
        timestampSpec: { column: 'time', format: 'iso' },
        dimensionsSpec: { useSchemaDiscovery: true },
        metricsSpec: [],
        granularitySpec: {
          type: 'uniform',
          segmentGranularity: 'day',
          queryGranularity: 'none',
          intervals: ['2015-09-12/2015-09-13'],
          rollup: false,
        },
      },
      ioConfig: {
        type: 'index_parallel',
        inputSource: { type: 'local', baseDir: 'quickstart/tutorial/', filter: 'wikiticker-2015-09-12-sampled.json.gz' },
        inputFormat: { type: 'json' },
        appendToExisting: false,
      },
      tuningConfig: { type: 'index_parallel', maxRowsPerSegment: 5000000, maxRowsInMemory: 25000 },
    },
  };
}

/** A small index_parallel spec over inline JSON rows. */
export function inlineSpec(dataSource: string, rows: readonly object[] | string, extra: {
  intervals?: string[];
  appendToExisting?: boolean;
  dropExisting?: boolean;
  maxParseExceptions?: number;
  segmentGranularity?: string;
  context?: Record<string, unknown>;
  id?: string;
} = {}): Record<string, any> {
  const data = typeof rows === 'string' ? rows : rows.map((r) => JSON.stringify(r)).join('\n');
  return {
    type: 'index_parallel',
    ...(extra.id ? { id: extra.id } : {}),
    ...(extra.context ? { context: extra.context } : {}),
    spec: {
      dataSchema: {
        dataSource,
        timestampSpec: { column: 'ts', format: 'iso' },
        dimensionsSpec: { dimensions: ['page', { type: 'long', name: 'n' }] },
        granularitySpec: {
          segmentGranularity: extra.segmentGranularity ?? 'day',
          queryGranularity: 'none',
          rollup: false,
          ...(extra.intervals ? { intervals: extra.intervals } : {}),
        },
      },
      ioConfig: {
        type: 'index_parallel',
        inputSource: { type: 'inline', data },
        inputFormat: { type: 'json' },
        appendToExisting: extra.appendToExisting ?? false,
        ...(extra.dropExisting !== undefined ? { dropExisting: extra.dropExisting } : {}),
      },
      tuningConfig: { type: 'index_parallel', ...(extra.maxParseExceptions !== undefined ? { maxParseExceptions: extra.maxParseExceptions } : {}) },
    },
  };
}

/** An index_parallel spec reading from http URIs (a test server controls how fast they answer). */
export function httpSpec(dataSource: string, uris: string[], intervals?: string[], context?: Record<string, unknown>): Record<string, any> {
  const spec = inlineSpec(dataSource, [], { intervals, context });
  spec.spec.ioConfig.inputSource = { type: 'http', uris };
  return spec;
}

export const noop = (runTime: number, dataSource = 'noop_ds', context?: Record<string, unknown>) =>
  ({ type: 'noop', runTime, dataSource, ...(context ? { context } : {}) });
