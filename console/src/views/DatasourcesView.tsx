/** The Datasources view lives in ./datasources/ (list, segment timeline, columns). */
export { DatasourcesView } from './datasources/DatasourcesView';
