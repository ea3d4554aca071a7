import { DataTable, type Column } from '../../components/DataTable';
import { formatBytes, formatNumber, formatTime } from '../../format';
import type { TimelineSegment } from './timeline-layout';

/**
 * The timeline's segments as a table, collapsed under the picture: the detail (and the same facts
 * as text) for whoever wants them. Opening a row selects that segment in the picture.
 */

const COLUMNS: readonly Column<TimelineSegment>[] = [
  { key: 'start', header: 'Start', render: (s) => formatTime(s.start), sortValue: (s) => s.start },
  { key: 'end', header: 'End', render: (s) => formatTime(s.end), sortValue: (s) => s.end },
  { key: 'version', header: 'Version', render: (s) => <code>{s.version}</code>, sortValue: (s) => s.version },
  { key: 'partition', header: 'Partition', render: (s) => s.partition, sortValue: (s) => s.partition, numeric: true },
  { key: 'rows', header: 'Rows', render: (s) => formatNumber(s.rows), sortValue: (s) => s.rows, numeric: true },
  { key: 'size', header: 'Size', render: (s) => formatBytes(s.size), sortValue: (s) => s.size, numeric: true },
  {
    key: 'state',
    header: 'State',
    render: (s) => <span className={s.overshadowed ? 'seg-state overshadowed' : 'seg-state active'}>{s.overshadowed ? 'overshadowed' : s.active ? 'active' : 'not active'}</span>,
    sortValue: (s) => (s.overshadowed ? 1 : 0),
  },
];

export function SegmentList(props: { datasource: string; segments: readonly TimelineSegment[]; selectedId: string | null; onSelect: (id: string) => void }) {
  return (
    <details className="ds-segments">
      <summary>
        Segment list ({props.segments.length})
      </summary>
      <DataTable
        label={`Segments of ${props.datasource}`}
        columns={COLUMNS}
        rows={props.segments}
        rowKey={(s) => s.id}
        onOpen={(s) => props.onSelect(s.id)}
        selectedKey={props.selectedId}
        initialSort={{ key: 'start', desc: false }}
      />
    </details>
  );
}
