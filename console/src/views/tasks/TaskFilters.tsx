import { NO_FILTER, type StateFilter, type TaskFilter } from './model';

/**
 * The list filters as labelled controls. Each maps to a parameter of GET /druid/indexer/v1/tasks
 * (state, datasource, type, createdTimeInterval), so the server does the filtering. The datasource
 * and type boxes suggest the values seen in the list.
 */

const STATES: ReadonlyArray<{ value: StateFilter; label: string }> = [
  { value: '', label: 'All' },
  { value: 'running', label: 'Running' },
  { value: 'pending', label: 'Pending' },
  { value: 'waiting', label: 'Waiting' },
  { value: 'complete', label: 'Complete' },
];

export function TaskFilters(props: {
  value: TaskFilter;
  onChange: (f: TaskFilter) => void;
  datasources: readonly string[];
  types: readonly string[];
}) {
  const f = props.value;
  const set = (patch: Partial<TaskFilter>): void => props.onChange({ ...f, ...patch });
  const badRange = f.createdFrom !== '' && f.createdTo !== '' && f.createdTo < f.createdFrom;
  const any = JSON.stringify(f) !== JSON.stringify(NO_FILTER);
  return (
    <form className="task-filters" aria-label="Task filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        State
        <select value={f.state} onChange={(e) => set({ state: e.target.value as StateFilter })}>
          {STATES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Datasource
        <input type="search" list="task-filter-datasources" value={f.datasource} placeholder="any" onChange={(e) => set({ datasource: e.target.value })} />
      </label>
      <datalist id="task-filter-datasources">
        {props.datasources.map((d) => (
          <option key={d} value={d} />
        ))}
      </datalist>
      <label>
        Type
        <input type="search" list="task-filter-types" value={f.type} placeholder="any" onChange={(e) => set({ type: e.target.value })} />
      </label>
      <datalist id="task-filter-types">
        {props.types.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <fieldset className="created">
        <legend>Created (UTC days)</legend>
        <label>
          from
          <input type="date" value={f.createdFrom} onChange={(e) => set({ createdFrom: e.target.value })} aria-invalid={badRange} />
        </label>
        <label>
          to
          <input type="date" value={f.createdTo} onChange={(e) => set({ createdTo: e.target.value })} aria-invalid={badRange} aria-describedby={badRange ? 'task-filter-range' : undefined} />
        </label>
      </fieldset>
      <button type="button" onClick={() => props.onChange(NO_FILTER)} disabled={!any}>
        Clear filters
      </button>
      {badRange ? (
        <p id="task-filter-range" className="field-error" role="alert">
          The “to” day is before the “from” day.
        </p>
      ) : null}
      {f.createdFrom === '' && f.createdTo === '' ? (
        <p className="muted hint">Without a created range the server lists active tasks and those completed in the last day.</p>
      ) : null}
    </form>
  );
}
