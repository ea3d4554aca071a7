/** The Tasks view lives in ./tasks; App imports it from here. */
export { TasksView } from './tasks/TasksView';
