/**
 * CSV/TSV header and sample lines as Druid splits them. Shared by native ingestion and MSQ workers;
 * DuckDB reads the data itself, this only names the columns.
 */

/** Splits one CSV line the way Druid's CSV parser does (RFC 4180 quotes), or TSV on its delimiter. */
export function splitDelimited(line: string, delimiter: string, quoted: boolean): string[] {
  if (!quoted) return line.split(delimiter);
  const out: string[] = [];
  let cur = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inQuotes) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') inQuotes = false;
      else cur += c;
    } else if (c === '"') inQuotes = true;
    else if (line.startsWith(delimiter, i)) {
      out.push(cur);
      cur = '';
      i += delimiter.length - 1;
    } else cur += c;
  }
  out.push(cur);
  return out;
}
