/** Druid's system tables (sys.*, INFORMATION_SCHEMA.*) for POST /druid/v2/sql. */
export { isSystemSchema, lookupSystemTable, SCHEMA_NAMES, SYSTEM_TABLES, tempTableName, type SystemTable } from './catalog.js';
export { columnRows, dataSourceColumns, leastRestrictive, schemataRows, tableRows } from './information-schema.js';
export { overshadowedIds, segmentRows, serverRows, taskRows, type ServerInfo, type SystemRow } from './rows.js';
export { createSystemTables, loadSystemTables, useSystemTables, type LoadedTables } from './tables.js';
