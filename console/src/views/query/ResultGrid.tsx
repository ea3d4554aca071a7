import { formatNumber } from '../../format';
import type { Column } from './run-api';

/**
 * A result grid: column names with their SQL types in the header, numbers right-aligned, nulls
 * and nested values told apart from text. Draws at most MAX_ROWS rows and says so when it cuts.
 */

export const MAX_ROWS = 1000;

const NUMERIC = /^(BIGINT|INTEGER|INT|SMALLINT|TINYINT|DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC|LONG)\b/i;

function isNumericColumn(c: Column, rows: readonly unknown[][], i: number): boolean {
  if (c.sqlType) return NUMERIC.test(c.sqlType);
  return rows.length > 0 && rows.every((r) => r[i] === null || r[i] === undefined || typeof r[i] === 'number');
}

function Cell(props: { value: unknown; numeric: boolean }) {
  const v = props.value;
  if (v === null || v === undefined) return <span className="null">null</span>;
  if (typeof v === 'number') return <>{props.numeric && Number.isInteger(v) ? formatNumber(v) : String(v)}</>;
  if (typeof v === 'object') return <code className="nested">{JSON.stringify(v)}</code>;
  return <>{String(v)}</>;
}

export function ResultGrid(props: { columns: readonly Column[]; rows: readonly unknown[][]; label?: string; totalRows?: number }) {
  const numeric = props.columns.map((c, i) => isNumericColumn(c, props.rows, i));
  const shown = props.rows.slice(0, MAX_ROWS);
  const total = props.totalRows ?? props.rows.length;
  return (
    <section className="result-grid" aria-label={props.label ?? 'Query result'}>
      <p className="result-count" role="status">
        {total === 1 ? '1 row' : `${formatNumber(total)} rows`}
        {shown.length < total ? ` (showing ${formatNumber(shown.length)})` : ''}
      </p>
      <div className="grid-scroll" tabIndex={0} role="region" aria-label="Result rows (scrollable)">
        <table className="data results" aria-label={props.label ?? 'Query result'}>
          <thead>
            <tr>
              {props.columns.map((c, i) => (
                <th key={`${c.name}-${i}`} scope="col" className={numeric[i] ? 'num' : undefined} data-column={c.name}>
                  <span className="col-name">{c.name}</span>
                  {c.sqlType ? <span className="col-type">{c.sqlType}</span> : null}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 ? (
              <tr>
                <td colSpan={Math.max(1, props.columns.length)} className="muted">
                  No rows.
                </td>
              </tr>
            ) : (
              shown.map((row, r) => (
                <tr key={r}>
                  {props.columns.map((c, i) => (
                    <td key={`${c.name}-${i}`} className={numeric[i] ? 'num' : undefined}>
                      <Cell value={row[i]} numeric={numeric[i]} />
                    </td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
