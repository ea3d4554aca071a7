import { useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';

/**
 * A sortable table whose rows can be walked with the keyboard: Tab reaches the table (one tab stop),
 * arrow keys move between rows, Enter or Space opens the focused row. Column headers are sort
 * buttons. The open row is marked aria-current (aria-selected is kept for scripts that read it).
 */

export interface Column<T> {
  readonly key: string;
  readonly header: string;
  readonly render: (row: T) => ReactNode;
  /** The value sorted on; columns without one do not sort. */
  readonly sortValue?: (row: T) => string | number | null;
  readonly numeric?: boolean;
}

export function DataTable<T>(props: {
  label: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  onOpen?: (row: T) => void;
  selectedKey?: string | null;
  initialSort?: { key: string; desc: boolean };
  empty?: ReactNode;
}) {
  const [sort, setSort] = useState(props.initialSort ?? null);
  const sorted = useMemo(() => {
    const col = props.columns.find((c) => c.key === sort?.key);
    if (!col?.sortValue || !sort) return props.rows;
    const get = col.sortValue;
    return [...props.rows].sort((a, b) => {
      const x = get(a);
      const y = get(b);
      const cmp = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      return sort.desc ? -cmp : cmp;
    });
  }, [props.rows, props.columns, sort]);

  const tabStop = props.selectedKey !== undefined && props.selectedKey !== null && sorted.some((r) => props.rowKey(r) === props.selectedKey) ? props.selectedKey : null;

  const onKey = (e: KeyboardEvent<HTMLTableRowElement>, row: T): void => {
    const tr = e.currentTarget;
    if (e.key === 'ArrowDown') (tr.nextElementSibling as HTMLElement | null)?.focus();
    else if (e.key === 'ArrowUp') (tr.previousElementSibling as HTMLElement | null)?.focus();
    else if ((e.key === 'Enter' || e.key === ' ') && props.onOpen) props.onOpen(row);
    else return;
    e.preventDefault();
  };

  return (
    <table className="data" aria-label={props.label}>
      <thead>
        <tr>
          {props.columns.map((c) => {
            const active = sort?.key === c.key;
            return (
              <th key={c.key} scope="col" aria-sort={active ? (sort?.desc ? 'descending' : 'ascending') : 'none'} className={c.numeric ? 'num' : undefined}>
                {c.sortValue ? (
                  <button type="button" className="sort" onClick={() => setSort({ key: c.key, desc: active ? !sort?.desc : false })}>
                    {c.header}
                    <span aria-hidden="true">{active ? (sort?.desc ? ' ▼' : ' ▲') : ''}</span>
                  </button>
                ) : (
                  c.header
                )}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {sorted.length === 0 ? (
          <tr>
            <td colSpan={props.columns.length} className="muted">
              {props.empty ?? 'Nothing to show.'}
            </td>
          </tr>
        ) : (
          sorted.map((row, i) => {
            const key = props.rowKey(row);
            return (
              <tr
                key={key}
                data-key={key}
                // One tab stop for the whole body (the selected row, else the first); arrows move.
                tabIndex={key === tabStop || (tabStop === null && i === 0) ? 0 : -1}
                aria-current={props.selectedKey === key ? 'true' : undefined}
                aria-selected={props.selectedKey === key}
                className={props.selectedKey === key ? 'selected' : undefined}
                onClick={props.onOpen ? () => props.onOpen?.(row) : undefined}
                onKeyDown={(e) => onKey(e, row)}
              >
                {props.columns.map((c) => (
                  <td key={c.key} className={c.numeric ? 'num' : undefined}>
                    {c.render(row)}
                  </td>
                ))}
              </tr>
            );
          })
        )}
      </tbody>
    </table>
  );
}
