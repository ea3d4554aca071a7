/** The Tasks view (being built). */
export function TasksView() {
  return <p className="muted">Tasks view</p>;
}
