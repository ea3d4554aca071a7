import { granularityToJson } from '../time/granularity.js';
import { intervalToString } from '../core/types.js';
import type { DimensionSpec, IndexTask, InputFormat, InputSource } from './spec-types.js';

/**
 * The task payload `GET /druid/indexer/v1/task/{id}` returns: the spec with Druid's defaults filled
 * in, shaped like Druid's serialized ParallelIndexSupervisorTask (seed sample "Get task payload").
 */

function dimensionJson(d: DimensionSpec): Record<string, unknown> {
  const base = { type: d.type, name: d.name, multiValueHandling: 'SORTED_ARRAY', createBitmapIndex: d.type === 'string' || d.type === 'json' };
  return d.type === 'json' ? { ...base, formatVersion: 5 } : base;
}

function inputSourceJson(s: InputSource): Record<string, unknown> {
  switch (s.type) {
    case 'local':
      return { type: 'local', baseDir: s.baseDir, filter: s.filter, ...(s.files.length > 0 ? { files: s.files } : {}) };
    case 'inline':
      return { type: 'inline', data: s.data };
    case 'http':
      // The password is a secret: the payload is readable by anyone who can list tasks.
      return {
        type: 'http',
        uris: s.uris,
        httpAuthenticationUsername: s.username,
        httpAuthenticationPassword: s.password === null ? null : { type: 'default', password: '<redacted>' },
      };
  }
}

function inputFormatJson(f: InputFormat): Record<string, unknown> {
  if (f.type === 'json') return { type: 'json', keepNullColumns: false, assumeNewlineDelimited: false, useJsonNodeReader: false };
  return {
    type: f.type,
    columns: f.columns ?? [],
    listDelimiter: f.listDelimiter,
    ...(f.type === 'tsv' ? { delimiter: f.delimiter } : {}),
    findColumnsFromHeader: f.findColumnsFromHeader,
    skipHeaderRows: f.skipHeaderRows,
  };
}

const INDEX_SPEC = {
  bitmap: { type: 'roaring' },
  dimensionCompression: 'lz4',
  stringDictionaryEncoding: { type: 'utf8' },
  metricCompression: 'lz4',
  longEncoding: 'longs',
};

export function taskPayload(task: IndexTask, id: string, groupId: string): Record<string, unknown> {
  const { dataSchema: ds, ioConfig: io, tuningConfig: tc } = task.spec;
  const ts = ds.timestampSpec;
  const exclusions = new Set([...ds.dimensionsSpec.dimensionExclusions, '__time', ts.column]);
  for (const m of ds.metricsSpec) {
    exclusions.add(m.name);
    if (m.fieldName) exclusions.add(m.fieldName);
  }
  const { partitionsSpec: _ignored, ...rawTuning } = tc.raw;
  const tuningConfig = {
    type: task.type,
    maxRowsPerSegment: tc.maxRowsPerSegment,
    appendableIndexSpec: { type: 'onheap', preserveExistingMetrics: false },
    maxRowsInMemory: tc.maxRowsInMemory,
    maxBytesInMemory: 0,
    skipBytesInMemoryOverheadCheck: false,
    maxTotalRows: null,
    numShards: null,
    splitHintSpec: null,
    indexSpec: INDEX_SPEC,
    indexSpecForIntermediatePersists: INDEX_SPEC,
    maxPendingPersists: 0,
    forceGuaranteedRollup: false,
    reportParseExceptions: false,
    pushTimeout: 0,
    segmentWriteOutMediumFactory: null,
    maxNumConcurrentSubTasks: 1,
    maxRetry: 3,
    taskStatusCheckPeriodMs: 1000,
    chatHandlerTimeout: 'PT10S',
    chatHandlerNumRetries: 5,
    maxNumSegmentsToMerge: 100,
    totalNumMergeTasks: 10,
    maxColumnsToMerge: -1,
    awaitSegmentAvailabilityTimeoutMillis: 0,
    maxAllowedLockCount: -1,
    partitionDimensions: [],
    ...rawTuning,
    partitionsSpec: { type: 'dynamic', maxRowsPerSegment: tc.maxRowsPerSegment, maxTotalRows: null },
    logParseExceptions: tc.logParseExceptions,
    maxParseExceptions: tc.maxParseExceptions,
    maxSavedParseExceptions: tc.maxSavedParseExceptions,
  };
  return {
    type: task.type,
    id,
    groupId,
    resource: { availabilityGroup: groupId, requiredCapacity: 1 },
    spec: {
      dataSchema: {
        dataSource: ds.dataSource,
        timestampSpec: { column: ts.column, format: ts.formatText, missingValue: ts.missingValueText },
        dimensionsSpec: {
          dimensions: ds.dimensionsSpec.dimensions.map(dimensionJson),
          dimensionExclusions: [...exclusions].sort(),
          includeAllDimensions: ds.dimensionsSpec.includeAllDimensions,
          useSchemaDiscovery: ds.dimensionsSpec.useSchemaDiscovery,
        },
        metricsSpec: ds.metricsSpec.map((m) => (m.fieldName === null ? { type: m.type, name: m.name } : { type: m.type, name: m.name, fieldName: m.fieldName })),
        granularitySpec: {
          type: 'uniform',
          segmentGranularity: granularityToJson(ds.granularitySpec.segmentGranularity),
          queryGranularity: granularityToJson(ds.granularitySpec.queryGranularity),
          rollup: ds.granularitySpec.rollup,
          intervals: (ds.granularitySpec.intervals ?? []).map(intervalToString),
        },
        transformSpec: {
          filter: ds.transformSpec.filterJson,
          transforms: ds.transformSpec.transforms.map((t) => ({ type: 'expression', name: t.name, expression: t.expression })),
        },
      },
      ioConfig: {
        type: task.type,
        inputSource: inputSourceJson(io.inputSource),
        inputFormat: inputFormatJson(io.inputFormat),
        appendToExisting: io.appendToExisting,
        dropExisting: io.dropExisting,
      },
      tuningConfig,
    },
    context: { forceTimeChunkLock: true, useLineageBasedSegmentAllocation: true, ...task.context },
    dataSource: ds.dataSource,
  };
}
