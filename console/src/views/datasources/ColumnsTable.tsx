import { DataTable, type Column } from '../../components/DataTable';
import { ErrorBox, Loading } from '../../components/ErrorBox';
import { ownError, useColumns, type ColumnRow } from './data';

/** A datasource's columns and their SQL types, in ordinal order (INFORMATION_SCHEMA.COLUMNS). */

const COLUMNS: readonly Column<ColumnRow>[] = [
  { key: 'pos', header: '#', render: (c) => c.ORDINAL_POSITION, sortValue: (c) => Number(c.ORDINAL_POSITION), numeric: true },
  { key: 'name', header: 'Column', render: (c) => <code>{c.COLUMN_NAME}</code>, sortValue: (c) => c.COLUMN_NAME },
  { key: 'type', header: 'Type', render: (c) => <span className="col-type">{c.DATA_TYPE}</span>, sortValue: (c) => c.DATA_TYPE },
  { key: 'nullable', header: 'Nullable', render: (c) => (c.IS_NULLABLE === 'NO' ? 'no' : 'yes') },
];

export function ColumnsTable(props: { datasource: string }) {
  const q = useColumns(props.datasource);
  return (
    <section className="ds-columns" aria-labelledby="ds-columns-h">
      <h4 id="ds-columns-h">Columns and types</h4>
      {ownError(q) ? (
        <ErrorBox title={q.data ? 'Could not refresh the columns (showing the last ones read)' : 'Could not read the columns'} error={q.error} onRetry={() => void q.refetch()} />
      ) : null}
      {q.isPending ? (
        <Loading what="columns" />
      ) : q.data ? (
        <DataTable
          label={`Columns of ${props.datasource}`}
          columns={COLUMNS}
          rows={q.data}
          rowKey={(c) => c.COLUMN_NAME}
          initialSort={{ key: 'pos', desc: false }}
          empty="No columns: the datasource has no segments."
        />
      ) : null}
    </section>
  );
}
