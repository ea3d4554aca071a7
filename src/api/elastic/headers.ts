import { ES_BUILD } from '../../lang/esql/index.js';

/**
 * A response warning as Elasticsearch sends it (HeaderWarning): `299 Elasticsearch-<version>-<hash>
 * "<text>"`, the text with `\` and `"` escaped and what RFC 7230 does not allow in a quoted
 * string percent-encoded. The JS client keeps only warnings that start this way.
 */
export function warningHeader(text: string): string {
  let escaped = '';
  for (const ch of text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')) {
    const code = ch.codePointAt(0)!;
    const allowed = ch !== '%' && (code === 0x09 || code === 0x20 || (code >= 0x21 && code <= 0x7e) || (code >= 0x80 && code <= 0xff));
    escaped += allowed ? ch : [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return `299 Elasticsearch-${ES_BUILD.version}-${ES_BUILD.hash} "${escaped}"`;
}
