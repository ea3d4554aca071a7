/** The Query view (being built). */
export function QueryView() {
  return <p className="muted">Query view</p>;
}
