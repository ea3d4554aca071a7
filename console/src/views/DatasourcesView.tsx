/** The Datasources view (being built). */
export function DatasourcesView() {
  return <p className="muted">Datasources view</p>;
}
