import { useId } from 'react';
import { formatBytes, formatNumber, formatTime } from '../../format';
import type { SegmentRect, TimelineLayout } from './timeline-layout';

/** The pieces around the timeline's rectangles: time axis, legend and tooltip. */

export function TimelineAxis(props: { layout: TimelineLayout }) {
  const { plot, ticks } = props.layout;
  return (
    <g className="axis" aria-hidden="true">
      <line className="axis-line" x1={plot.left} x2={plot.right} y1={plot.bottom} y2={plot.bottom} />
      {ticks.map((t) => {
        const anchor = t.x - plot.left < 36 ? 'start' : plot.right - t.x < 36 ? 'end' : 'middle';
        return (
          <g key={t.ms} className="tick" data-tick={t.label}>
            <line className="grid" x1={t.x} x2={t.x} y1={0} y2={plot.bottom + 4} />
            <text x={t.x} y={plot.bottom + 16} textAnchor={anchor}>
              {t.label}
            </text>
          </g>
        );
      })}
      <text className="axis-unit" x={plot.left - 8} y={plot.bottom + 16} textAnchor="end">
        UTC
      </text>
    </g>
  );
}

export function TimelineLegend() {
  const hatch = `${useId().replace(/[^a-zA-Z0-9_-]/g, '')}-legend-hatch`;
  const swatch = (cls: string, fill?: string) => (
    <svg width="22" height="12" aria-hidden="true" focusable="false">
      <defs>
        <pattern id={hatch} patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
          <rect width="6" height="6" fill="#eaeef2" />
          <line x1="0" y1="0" x2="0" y2="6" stroke="#6e7781" strokeWidth="2" />
        </pattern>
      </defs>
      <rect className={`seg ${cls}`} x="1" y="1" width="20" height="10" fill={fill} />
    </svg>
  );
  return (
    <ul className="timeline-legend" aria-label="Legend">
      <li>{swatch('seg-active')} Active (queried)</li>
      <li>{swatch('seg-overshadowed', `url(#${hatch})`)} Overshadowed by a newer version</li>
      <li className="muted">One lane per version, newest on top; partitions of a time chunk stacked in their lane.</li>
    </ul>
  );
}

export function TimelineTooltip(props: { rect: SegmentRect; layout: TimelineLayout; id: string }) {
  const { rect, layout } = props;
  const s = rect.segment;
  // Centred on the rectangle, or held against the edge of the picture it would cross.
  const mid = rect.x + rect.width / 2;
  const side = mid < 210 ? 'at-left' : mid > layout.width - 210 ? 'at-right' : 'centred';
  const left = side === 'at-left' ? Math.max(0, rect.x) : side === 'at-right' ? Math.min(layout.width, rect.x + rect.width) : mid;
  const above = rect.y > 90;
  return (
    <div
      id={props.id}
      role="tooltip"
      className={`timeline-tooltip ${above ? 'above' : 'below'} ${side}`}
      style={{ left, top: above ? rect.y - 6 : rect.y + rect.height + 6 }}
      data-segment-id={s.id}
    >
      <div className="tip-title">{s.overshadowed ? 'Overshadowed segment' : s.active ? 'Active segment' : 'Segment'}</div>
      <dl>
        <dt>Interval</dt>
        <dd>
          {formatTime(s.start)} – {formatTime(s.end)}
        </dd>
        <dt>Version</dt>
        <dd>{s.version}</dd>
        <dt>Partition</dt>
        <dd>
          {s.partition} ({rect.slot + 1} of {rect.slots} in its chunk)
        </dd>
        <dt>Rows</dt>
        <dd>{formatNumber(s.rows)}</dd>
        <dt>Size</dt>
        <dd>{formatBytes(s.size)}</dd>
      </dl>
    </div>
  );
}
