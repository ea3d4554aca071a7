import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultTaskId, lockRequirement, parseIndexTask, taskPayload, validateInputAccess } from '../../src/ingest/spec.js';
import { baseSpec, FIXTURES, tempDir } from '../fixtures/ingest/helpers.js';
import { errorOf } from '../helpers/errors.js';
import { seedSubmitSpec } from '../helpers/specs.js';
import { druidStatus } from '../../src/api/druid/errors.js';


/** The "Submit a task" sample of the Tasks API docs (seed), verbatim. */
const SEED_SUBMIT = seedSubmitSpec();

describe('parseIndexTask', () => {
  it('accepts the seed sample and fills in Druid defaults', () => {
    const t = parseIndexTask(SEED_SUBMIT);
    expect(t.type).toBe('index_parallel');
    expect(t.dataSource).toBe('wikipedia_auto');
    expect(t.priority).toBe(50);
    const g = t.spec.dataSchema.granularitySpec;
    expect(g.rollup).toBe(false);
    expect(g.intervals).toEqual([{ start: Date.parse('2015-09-12T00:00:00Z'), end: Date.parse('2015-09-13T00:00:00Z') }]);
    expect(t.spec.dataSchema.dimensionsSpec.useSchemaDiscovery).toBe(true);
    expect(t.spec.tuningConfig.maxRowsPerSegment).toBe(5000000);
    expect(t.spec.tuningConfig.maxParseExceptions).toBe(2147483647);
  });

  it('defaults rollup to true, granularities to DAY/NONE, timestamp to "timestamp"/auto', () => {
    const t = parseIndexTask({
      type: 'index',
      spec: {
        dataSchema: { dataSource: 'x' },
        ioConfig: { inputSource: { type: 'inline', data: '{}' }, inputFormat: { type: 'json' } },
      },
    });
    const ds = t.spec.dataSchema;
    expect(ds.granularitySpec.rollup).toBe(true);
    expect(ds.granularitySpec.segmentGranularity).toMatchObject({ type: 'period', name: 'DAY' });
    expect(ds.granularitySpec.queryGranularity).toEqual({ type: 'none' });
    expect(ds.timestampSpec).toMatchObject({ column: 'timestamp', format: 'auto' });
    expect(t.spec.ioConfig).toMatchObject({ appendToExisting: false, dropExisting: false });
  });

  it('takes priority from context and maxRowsPerSegment from a dynamic partitionsSpec', () => {
    const t = parseIndexTask(baseSpec({ context: { priority: 90 }, spec: { tuningConfig: { partitionsSpec: { type: 'dynamic', maxRowsPerSegment: 1000 }, someFutureKey: 1 } } }));
    expect(t.priority).toBe(90);
    expect(t.spec.tuningConfig.maxRowsPerSegment).toBe(1000);
    expect(t.spec.tuningConfig.raw.someFutureKey).toBe(1);
  });

  it('reads csv/tsv formats, typed dimensions and metrics', () => {
    const t = parseIndexTask(
      baseSpec({
        spec: {
          dataSchema: {
            dimensionsSpec: { dimensions: ['a', { type: 'long', name: 'n' }, { type: 'json', name: 'j' }] },
            metricsSpec: [{ type: 'count', name: 'c' }, { type: 'doubleSum', name: 's', fieldName: 'v' }],
          },
          ioConfig: { inputFormat: { type: 'tsv', findColumnsFromHeader: true, skipHeaderRows: 2 } },
        },
      }),
    );
    expect(t.spec.dataSchema.dimensionsSpec.dimensions).toEqual([
      { name: 'a', type: 'string' },
      { name: 'n', type: 'long' },
      { name: 'j', type: 'json' },
    ]);
    expect(t.spec.dataSchema.metricsSpec[1]).toEqual({ type: 'doubleSum', name: 's', fieldName: 'v' });
    expect(t.spec.ioConfig.inputFormat).toMatchObject({ type: 'tsv', delimiter: '\t', skipHeaderRows: 2, findColumnsFromHeader: true });
  });

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['missing spec', { type: 'index_parallel' }, 'spec is required'],
    ['missing dataSchema', { type: 'index_parallel', spec: { ioConfig: {} } }, 'spec.dataSchema is required'],
    ['missing dataSource', baseSpec({ spec: { dataSchema: { dataSource: '' } } }), 'spec.dataSchema.dataSource is required'],
    ['slash in dataSource', baseSpec({ spec: { dataSchema: { dataSource: 'a/b' } } }), "spec.dataSchema.dataSource [a/b] must not contain the '/' character"],
    ['dot dataSource', baseSpec({ spec: { dataSchema: { dataSource: '.x' } } }), "spec.dataSchema.dataSource [.x] must not start with the '.' character"],
    ['tab in dataSource', baseSpec({ spec: { dataSchema: { dataSource: 'a\tb' } } }), 'contains illegal whitespace characters; only space is allowed'],
    ['numeric dataSource', baseSpec({ spec: { dataSchema: { dataSource: 5 } } }), 'spec.dataSchema.dataSource must be a string, got 5'],
    ['missing ioConfig', { type: 'index', spec: { dataSchema: { dataSource: 'x' } } }, 'spec.ioConfig is required'],
    ['missing inputSource', baseSpec({ spec: { ioConfig: { inputSource: undefined } } }), 'spec.ioConfig.inputSource is required'],
    ['unknown input source', baseSpec({ spec: { ioConfig: { inputSource: { type: 's3', uris: [] } } } }), 'spec.ioConfig.inputSource.type [s3] is not supported; known types: local, inline, http'],
    ['unknown format', baseSpec({ spec: { ioConfig: { inputFormat: { type: 'parquet' } } } }), 'spec.ioConfig.inputFormat.type [parquet] is not supported; known types: json, csv, tsv'],
    ['csv without columns', baseSpec({ spec: { ioConfig: { inputFormat: { type: 'csv' } } } }), 'spec.ioConfig.inputFormat: if findColumnsFromHeader is false, columns must be set'],
    ['unknown metric', baseSpec({ spec: { dataSchema: { metricsSpec: [{ type: 'hyperUnique', name: 'u', fieldName: 'user' }] } } }), 'spec.dataSchema.metricsSpec[0].type [hyperUnique] is not supported; known types: count, longSum'],
    ['metric without fieldName', baseSpec({ spec: { dataSchema: { metricsSpec: [{ type: 'longSum', name: 's' }] } } }), 'spec.dataSchema.metricsSpec[0].fieldName is required for a longSum aggregator'],
    ['bad granularity', baseSpec({ spec: { dataSchema: { granularitySpec: { segmentGranularity: 'fortnight' } } } }), 'spec.dataSchema.granularitySpec.segmentGranularity [fortnight] is not a valid granularity'],
    ['none segment granularity', baseSpec({ spec: { dataSchema: { granularitySpec: { segmentGranularity: 'none' } } } }), 'spec.dataSchema.granularitySpec.segmentGranularity cannot be NONE'],
    ['bad interval', baseSpec({ spec: { dataSchema: { granularitySpec: { intervals: ['2015-09-13/2015-09-12'] } } } }), 'spec.dataSchema.granularitySpec.intervals[0] [2015-09-13/2015-09-12] is not a valid interval'],
    ['rollup not boolean', baseSpec({ spec: { dataSchema: { granularitySpec: { rollup: 'yes' } } } }), 'spec.dataSchema.granularitySpec.rollup must be true or false, got "yes"'],
    [
      'append and drop',
      baseSpec({ spec: { ioConfig: { appendToExisting: true, dropExisting: true } } }),
      'Cannot both drop existing segments and append to existing segments. Either dropExisting or appendToExisting should be set to false',
    ],
    ['drop without intervals', baseSpec({ spec: { ioConfig: { dropExisting: true } } }), "GranularitySpec's intervals cannot be empty when setting dropExisting to true."],
    ['duplicate dimension', baseSpec({ spec: { dataSchema: { dimensionsSpec: { dimensions: ['a', 'a'] } } } }), 'spec.dataSchema.dimensionsSpec.dimensions has the column [a] more than once'],
    ['bad dimension type', baseSpec({ spec: { dataSchema: { dimensionsSpec: { dimensions: [{ type: 'spatial', name: 'g' }] } } } }), 'spec.dataSchema.dimensionsSpec.dimensions[0].type [spatial] is not supported'],
    ['maxRowsPerSegment type', baseSpec({ spec: { tuningConfig: { maxRowsPerSegment: 'many' } } }), 'spec.tuningConfig.maxRowsPerSegment must be a whole number, got "many"'],
    ['hashed partitions', baseSpec({ spec: { tuningConfig: { partitionsSpec: { type: 'hashed' } } } }), 'spec.tuningConfig.partitionsSpec.type [hashed] is not supported by Grove; use dynamic'],
    ['bad transform', baseSpec({ spec: { dataSchema: { transformSpec: { transforms: [{ type: 'expression', name: 'x', expression: 'sha1(page)' }] } } } }), 'spec.dataSchema.transformSpec.transforms[0].expression: function [sha1] is not supported'],
    ['bad expression syntax', baseSpec({ spec: { dataSchema: { transformSpec: { transforms: [{ name: 'x', expression: 'concat(page,' }] } } } }), 'cannot parse expression [concat(page,]: expected a value at the end of the expression'],
    ['bad filter type', baseSpec({ spec: { dataSchema: { transformSpec: { filter: { type: 'spatial' } } } } }), 'spec.dataSchema.transformSpec.filter.type [spatial] is not supported'],
    ['bad timestamp pattern', baseSpec({ spec: { dataSchema: { timestampSpec: { column: 't', format: 'yyyy-MM-dd QQ' } } } }), "uses the pattern letter 'Q', which Grove does not support"],
    ['legacy parser', baseSpec({ spec: { dataSchema: { parser: { type: 'string' } } } }), 'spec.dataSchema.parser is the legacy parseSpec form'],
    ['bad priority', baseSpec({ context: { priority: 'high' } }), 'context.priority must be a whole number between -2147483648 and 2147483647, got "high"'],
    ['priority beyond an int', baseSpec({ context: { priority: 1e300 } }), 'context.priority must be a whole number between -2147483648 and 2147483647, got 1e+300'],
    ['not a batch task', { type: 'kill' }, 'task.type [kill] is not a native batch task'],
    ['baseDir without filter', baseSpec({ spec: { ioConfig: { inputSource: { type: 'local', baseDir: '/tmp', filter: undefined } } } }), 'spec.ioConfig.inputSource.filter is required when baseDir is given'],
    ['http without uris', baseSpec({ spec: { ioConfig: { inputSource: { type: 'http', uris: [] } } } }), 'spec.ioConfig.inputSource.uris must list at least one URI'],
  ];

  it.each(bad)('rejects %s', (_name, body, message) => {
    const e = errorOf(() => parseIndexTask(body));
    expect(druidStatus(e)).toBe(400);
    expect(e.code).toBe('invalidInput');
    expect(e.message).toContain(message);
  });
});

describe('validateInputAccess', () => {
  it('allows paths inside the allowed directories', () => {
    expect(() => validateInputAccess(parseIndexTask(baseSpec()), [FIXTURES])).not.toThrow();
  });

  it('forbids paths outside them with a 403 naming the path', () => {
    const e = errorOf(() => validateInputAccess(parseIndexTask(baseSpec({ spec: { ioConfig: { inputSource: { type: 'local', files: ['/etc/passwd'] } } } })), [FIXTURES]));
    expect(druidStatus(e)).toBe(403);
    expect(e.code).toBe('forbidden');
    expect(e.message).toBe('spec.ioConfig.inputSource.files[0] [/etc/passwd] is outside the directories Grove may read input from');
  });

  it('follows symlinks before deciding', () => {
    const dir = tempDir();
    fs.symlinkSync('/etc', path.join(dir, 'escape'));
    const task = parseIndexTask(baseSpec({ spec: { ioConfig: { inputSource: { type: 'local', baseDir: path.join(dir, 'escape'), filter: '*' } } } }));
    expect(druidStatus(errorOf(() => validateInputAccess(task, [dir])))).toBe(403);
  });

  it('refuses http protocols that are not allowed', () => {
    const task = parseIndexTask(baseSpec({ spec: { ioConfig: { inputSource: { type: 'http', uris: ['ftp://example.com/a.json'] } } } }));
    const e = errorOf(() => validateInputAccess(task, [os.tmpdir()], ['http:', 'https:']));
    expect(druidStatus(e)).toBe(400);
    expect(e.message).toBe('Only [http, https] protocols are allowed; spec.ioConfig.inputSource.uris[0] [ftp://example.com/a.json] uses [ftp]');
  });
});

describe('lockRequirement', () => {
  it('is exclusive on the bucketed intervals for a replace', () => {
    const task = parseIndexTask(baseSpec({ spec: { dataSchema: { granularitySpec: { segmentGranularity: 'day', intervals: ['2015-09-12T05:00Z/2015-09-13T01:00Z'] } } } }));
    expect(lockRequirement(task)).toEqual({
      type: 'exclusive',
      intervals: [
        { start: Date.parse('2015-09-12T00:00:00Z'), end: Date.parse('2015-09-13T00:00:00Z') },
        { start: Date.parse('2015-09-13T00:00:00Z'), end: Date.parse('2015-09-14T00:00:00Z') },
      ],
    });
  });
  it('is shared for appends and open-ended without intervals', () => {
    expect(lockRequirement(parseIndexTask(baseSpec({ spec: { ioConfig: { appendToExisting: true } } })))).toEqual({ type: 'shared', intervals: null });
  });
});

describe('taskPayload and ids', () => {
  it('has the shape of the seed payload sample', () => {
    const task = parseIndexTask(SEED_SUBMIT);
    const id = 'index_parallel_wikipedia_auto_iajoonnd_2023-07-07T17:53:12.174Z';
    const p = taskPayload(task, id, id) as Record<string, any>;
    expect(Object.keys(p)).toEqual(['type', 'id', 'groupId', 'resource', 'spec', 'context', 'dataSource']);
    expect(p.resource).toEqual({ availabilityGroup: id, requiredCapacity: 1 });
    expect(p.spec.dataSchema.timestampSpec).toEqual({ column: 'time', format: 'iso', missingValue: null });
    expect(p.spec.dataSchema.dimensionsSpec.dimensionExclusions).toEqual(['__time', 'time']);
    expect(p.spec.dataSchema.granularitySpec).toEqual({
      type: 'uniform',
      segmentGranularity: 'DAY',
      queryGranularity: { type: 'none' },
      rollup: false,
      intervals: ['2015-09-12T00:00:00.000Z/2015-09-13T00:00:00.000Z'],
    });
    expect(p.spec.dataSchema.transformSpec).toEqual({ filter: null, transforms: [] });
    expect(p.spec.ioConfig.inputFormat).toEqual({ type: 'json', keepNullColumns: false, assumeNewlineDelimited: false, useJsonNodeReader: false });
    expect(p.spec.tuningConfig).toMatchObject({ type: 'index_parallel', maxRowsPerSegment: 5000000, maxRowsInMemory: 25000, partitionsSpec: { type: 'dynamic', maxRowsPerSegment: 5000000, maxTotalRows: null } });
    expect(p.context).toEqual({ forceTimeChunkLock: true, useLineageBasedSegmentAllocation: true });
    expect(p.dataSource).toBe('wikipedia_auto');
  });

  it('redacts http passwords', () => {
    const task = parseIndexTask(baseSpec({ spec: { ioConfig: { inputSource: { type: 'http', uris: ['https://h/a.json'], httpAuthenticationUsername: 'u', httpAuthenticationPassword: { type: 'default', password: 'secret' } } } } }));
    expect(JSON.stringify(taskPayload(task, 'a', 'a'))).not.toContain('secret');
  });

  it('generates Druid-style ids', () => {
    const id = defaultTaskId(parseIndexTask(SEED_SUBMIT), new Date('2023-06-23T21:07:28.226Z'));
    expect(id).toMatch(/^index_parallel_wikipedia_auto_[a-z]{8}_2023-06-23T21:07:28\.226Z$/);
  });
});
