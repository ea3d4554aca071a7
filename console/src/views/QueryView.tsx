/** The Query view lives in ./query; App imports it from here. */
export { QueryView } from './query/QueryView';
