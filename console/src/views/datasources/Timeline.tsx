import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { formatBytes, formatNumber, formatTime } from '../../format';
import { layoutTimeline, type SegmentRect, type TimelineSegment } from './timeline-layout';
import { TimelineAxis, TimelineLegend, TimelineTooltip } from './TimelineParts';

/**
 * A datasource's segments as a picture: time along x, one lane per version (newest on top), one
 * rectangle per segment, overshadowed segments greyed and hatched. The picture is one tab stop;
 * the arrow keys walk the rectangles (left/right in time, up/down between versions), each has a
 * spoken label and shows its tooltip on hover or focus; a summary sentence describes the whole.
 */

export function describeSegment(s: TimelineSegment): string {
  return `Segment ${formatTime(s.start)} to ${formatTime(s.end)}, version ${s.version}, partition ${s.partition}, ` +
    `${formatNumber(s.rows)} row${s.rows === 1 ? '' : 's'}, ${formatBytes(s.size)}, ${s.overshadowed ? 'overshadowed' : s.active ? 'active' : 'not active'}`;
}

function useWidth(fallback: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el || !('ResizeObserver' in window)) return;
    const ro = new window.ResizeObserver(() => setWidth(Math.max(360, Math.floor(el.clientWidth))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return { ref, width };
}

/** The rectangle an arrow key moves to from `from`, or undefined at an edge. */
function neighbour(rects: readonly SegmentRect[], from: number, key: string): number | undefined {
  const cur = rects[from];
  if (key === 'Home') return 0;
  if (key === 'End') return rects.length - 1;
  if (key === 'ArrowRight') return rects[from + 1]?.lane === cur.lane ? from + 1 : undefined;
  if (key === 'ArrowLeft') return rects[from - 1]?.lane === cur.lane ? from - 1 : undefined;
  const lane = cur.lane + (key === 'ArrowDown' ? 1 : key === 'ArrowUp' ? -1 : 0);
  if (lane === cur.lane) return undefined;
  const mid = cur.x + cur.width / 2;
  let best: number | undefined;
  rects.forEach((r, i) => {
    if (r.lane !== lane) return;
    if (best === undefined || Math.abs(r.x + r.width / 2 - mid) < Math.abs(rects[best].x + rects[best].width / 2 - mid)) best = i;
  });
  return best;
}

export function Timeline(props: { datasource: string; segments: readonly TimelineSegment[]; selectedId: string | null; onSelect: (id: string) => void }) {
  const { ref, width } = useWidth(960);
  const layout = useMemo(() => layoutTimeline(props.segments, { width }), [props.segments, width]);
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const [tabStop, setTabStop] = useState<string | null>(null);
  const [focused, setFocused] = useState<string | null>(null);
  const [hovered, setHovered] = useState<string | null>(null);
  const rectEls = useRef(new Map<string, SVGRectElement>());

  const stopId = layout.rects.some((r) => r.segment.id === tabStop) ? tabStop : layout.rects[0]?.segment.id;
  const shown = layout.rects.find((r) => r.segment.id === (hovered ?? focused));
  const overshadowed = props.segments.filter((s) => s.overshadowed).length;

  const onKey = (e: KeyboardEvent<SVGRectElement>, index: number): void => {
    if (e.key === 'Enter' || e.key === ' ') {
      props.onSelect(layout.rects[index].segment.id);
    } else {
      const to = neighbour(layout.rects, index, e.key);
      if (to === undefined) {
        if (!e.key.startsWith('Arrow')) return;
      } else {
        const id = layout.rects[to].segment.id;
        setTabStop(id);
        rectEls.current.get(id)?.focus();
      }
    }
    e.preventDefault();
  };

  const summary =
    `${props.segments.length} segment${props.segments.length === 1 ? '' : 's'} in ${layout.lanes.length} version${layout.lanes.length === 1 ? '' : 's'}` +
    (props.segments.length ? `, from ${formatTime(new Date(layout.startMs).toISOString())} to ${formatTime(new Date(layout.endMs).toISOString())}` : '') +
    `; ${overshadowed} overshadowed. Use the arrow keys to move between segments.`;

  return (
    <figure className="timeline" aria-labelledby={`${uid}-cap`}>
      <figcaption id={`${uid}-cap`} className="timeline-caption">
        <span className="timeline-title">Segment timeline of {props.datasource}</span>
        <span id={`${uid}-sum`} className="muted timeline-summary">{summary}</span>
      </figcaption>
      <TimelineLegend />
      <div className="timeline-frame" ref={ref}>
        <svg
          width={layout.width}
          height={layout.height}
          role="group"
          aria-label={`Segment timeline of ${props.datasource}`}
          aria-describedby={`${uid}-sum`}
          data-lanes={layout.lanes.length}
          data-segments={layout.rects.length}
        >
          <defs>
            <pattern id={`${uid}-hatch`} patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
              <rect width="6" height="6" fill="#eaeef2" />
              <line x1="0" y1="0" x2="0" y2="6" stroke="#6e7781" strokeWidth="2" />
            </pattern>
          </defs>
          {layout.lanes.map((lane) => (
            <g key={lane.version} className="lane" data-lane={lane.version}>
              <rect className="lane-bg" x={layout.plot.left} y={lane.y} width={layout.plot.right - layout.plot.left} height={lane.height} />
              <text className="lane-label" x={layout.plot.left - 8} y={lane.y + lane.height / 2} dominantBaseline="middle" textAnchor="end">
                {lane.version}
              </text>
            </g>
          ))}
          <TimelineAxis layout={layout} />
          {layout.rects.map((r, i) => {
            const s = r.segment;
            return (
              <rect
                key={s.id}
                ref={(el) => {
                  if (el) rectEls.current.set(s.id, el);
                  else rectEls.current.delete(s.id);
                }}
                className={`seg ${s.overshadowed ? 'seg-overshadowed' : s.active ? 'seg-active' : 'seg-inactive'}${r.width < 6 ? ' seg-narrow' : ''}${props.selectedId === s.id ? ' seg-selected' : ''}`}
                x={r.x}
                y={r.y}
                width={r.width}
                height={r.height}
                fill={s.overshadowed ? `url(#${uid}-hatch)` : undefined}
                role="img"
                aria-label={describeSegment(s)}
                tabIndex={s.id === stopId ? 0 : -1}
                data-segment-id={s.id}
                data-version={s.version}
                data-start={s.start}
                data-partition={s.partition}
                data-overshadowed={String(s.overshadowed)}
                onFocus={() => {
                  setFocused(s.id);
                  setTabStop(s.id);
                }}
                onBlur={() => setFocused((f) => (f === s.id ? null : f))}
                onMouseEnter={() => setHovered(s.id)}
                onMouseLeave={() => setHovered((h) => (h === s.id ? null : h))}
                onClick={() => props.onSelect(s.id)}
                onKeyDown={(e) => onKey(e, i)}
              />
            );
          })}
        </svg>
        {shown ? <TimelineTooltip rect={shown} layout={layout} id={`${uid}-tip`} /> : null}
      </div>
    </figure>
  );
}
