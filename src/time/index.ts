export * from './period.js';
export * from './interval.js';
export * from './zone.js';
export * from './granularity.js';
export * from './sql.js';
export * from './joda.js';
