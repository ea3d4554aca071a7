import { useMemo, useState } from 'react';
import { ErrorBox, Loading } from '../../components/ErrorBox';
import { ColumnsTable } from './ColumnsTable';
import { ownError, useSegments } from './data';
import { SegmentList } from './SegmentList';
import { Timeline } from './Timeline';
import { toSegments } from './timeline-layout';

/** One datasource: its segment timeline (overshadowed segments included), columns and segment list. */
export function DatasourceDetail(props: { datasource: string; onClose: () => void }) {
  const q = useSegments(props.datasource);
  const segments = useMemo(() => toSegments(q.data ?? []), [q.data]);
  const [selectedId, setSelectedId] = useState<string | null>(null);

  return (
    <section className="ds-detail" aria-labelledby="ds-detail-h" data-datasource={props.datasource}>
      <div className="ds-detail-head">
        <h3 id="ds-detail-h">{props.datasource}</h3>
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
      {ownError(q) ? (
        <ErrorBox title={q.data ? 'Could not refresh the segments (showing the last ones read)' : 'Could not read the segments'} error={q.error} onRetry={() => void q.refetch()} />
      ) : null}
      {q.isPending ? (
        <Loading what={`the segments of ${props.datasource}`} />
      ) : q.data && segments.length === 0 ? (
        <p className="muted" role="status">
          No segments of {props.datasource}: it does not exist or all its segments were dropped.
        </p>
      ) : q.data ? (
        <>
          <Timeline datasource={props.datasource} segments={segments} selectedId={selectedId} onSelect={setSelectedId} />
          <SegmentList datasource={props.datasource} segments={segments} selectedId={selectedId} onSelect={setSelectedId} />
        </>
      ) : null}
      <ColumnsTable datasource={props.datasource} />
    </section>
  );
}
