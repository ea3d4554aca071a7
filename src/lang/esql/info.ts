import { createHash } from 'node:crypto';
import { GROVE_VERSION } from '../../core/version.js';

/**
 * The Elasticsearch build Grove answers as: the 9.x line the official client of Node 20 speaks.
 * The hash stands for Grove's own build (Elasticsearch's is a commit id), so SHOW INFO, `GET /`
 * and the Warning headers name this Grove.
 */
export const ES_BUILD = Object.freeze({
  version: '9.4.0',
  hash: createHash('sha1').update(`grove-${GROVE_VERSION}`).digest('hex'),
  date: '2026-11-01T00:00:00.000Z',
  luceneVersion: '10.3.1',
  minimumWireCompatibilityVersion: '8.19.0',
  minimumIndexCompatibilityVersion: '8.0.0',
});
