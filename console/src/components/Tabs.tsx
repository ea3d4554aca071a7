import { useRef, type KeyboardEvent, type ReactNode } from 'react';

/**
 * An accessible tab list (WAI-ARIA tabs pattern): one tab stop, arrow keys and Home/End move
 * between tabs and select them, each tab controls its panel.
 */

export interface TabItem<K extends string> {
  readonly key: K;
  readonly label: ReactNode;
}

export function Tabs<K extends string>(props: { label: string; items: readonly TabItem<K>[]; selected: K; onSelect: (k: K) => void; idPrefix: string }) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const index = props.items.findIndex((t) => t.key === props.selected);
  const move = (to: number): void => {
    const n = props.items.length;
    const next = ((to % n) + n) % n;
    props.onSelect(props.items[next].key);
    refs.current[next]?.focus();
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'ArrowRight') move(index + 1);
    else if (e.key === 'ArrowLeft') move(index - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(props.items.length - 1);
    else return;
    e.preventDefault();
  };
  return (
    <div role="tablist" aria-label={props.label} className="tabs" onKeyDown={onKey}>
      {props.items.map((t, i) => (
        <button
          key={t.key}
          ref={(el) => {
            refs.current[i] = el;
          }}
          role="tab"
          id={`${props.idPrefix}-tab-${t.key}`}
          aria-selected={t.key === props.selected}
          aria-controls={`${props.idPrefix}-panel-${t.key}`}
          tabIndex={t.key === props.selected ? 0 : -1}
          className={t.key === props.selected ? 'tab selected' : 'tab'}
          onClick={() => props.onSelect(t.key)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

export function TabPanel(props: { idPrefix: string; tab: string; children: ReactNode }) {
  return (
    <div role="tabpanel" id={`${props.idPrefix}-panel-${props.tab}`} aria-labelledby={`${props.idPrefix}-tab-${props.tab}`} tabIndex={0} className="tabpanel">
      {props.children}
    </div>
  );
}
