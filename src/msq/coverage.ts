import { intervalToString, type Interval } from '../core/types.js';
import { normalize } from '../segments/intervals.js';
import type { Coverage } from '../results/manifest.js';
import { isDataSourceInput, type MsqPlan, type SplitRef } from './types.js';

/**
 * What a SELECT job's result covers: the segments and external files whose rows it holds, and per
 * datasource the time those segments show. For a job that read everything this is all its input;
 * for one stopped early it is what the partial result equals the query over.
 */
export function coverageOf(plan: MsqPlan, covered: readonly SplitRef[], all: readonly SplitRef[]): Coverage {
  const time = new Map<string, Interval[]>();
  const segments: string[] = [];
  const files: string[] = [];
  for (const split of covered) {
    const input = plan.inputs[split.inputNumber];
    if (split.segment && input && isDataSourceInput(input)) {
      segments.push(split.segment.id);
      time.set(input.dataSource, [...(time.get(input.dataSource) ?? []), ...split.segment.visible]);
    } else files.push(split.uri);
  }
  const intervals: Record<string, string[]> = {};
  for (const [dataSource, list] of [...time].sort(([a], [b]) => a.localeCompare(b))) intervals[dataSource] = normalize(list).map(intervalToString);
  return {
    segments,
    intervals,
    files,
    totalSegments: all.filter((s) => s.segment).length,
    totalFiles: all.filter((s) => !s.segment).length,
  };
}
