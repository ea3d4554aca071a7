import { quoteString } from '../../engine/sql-text.js';

/**
 * DISSECT patterns (`%{key} - %{+key} [%{?skip}] %{rest->}`): what a pattern means, and the DuckDB
 * SQL that takes one apart. Dissect is not a regex language: each key's value runs up to the first
 * occurrence of the delimiter after it, the last key takes the rest, and text must match exactly.
 * An anchored RE2 expression with lazy groups makes the same choices (a first occurrence that leads
 * nowhere is never rescued by a later one, because later ones leave less text), so the engine does
 * the matching.
 */

interface Key {
  /** Null for `%{}` and `%{?name}`: matched, not kept. */
  readonly name: string | null;
  readonly append: boolean;
  /** `%{+key/2}`: where the value goes among the key's appended parts. */
  readonly order: number | null;
  /** `%{key->}`: repeats of the delimiter after the value are skipped. */
  readonly padded: boolean;
}

export interface DissectPattern {
  readonly leading: string;
  readonly parts: ReadonlyArray<{ readonly key: Key; readonly delimiter: string }>;
  readonly appendSeparator: string;
}

/** Reads a pattern; a message in Elasticsearch's words when it cannot be used. */
export function parseDissect(pattern: string, appendSeparator: string): DissectPattern | { readonly error: string } {
  const keys = [...pattern.matchAll(/%\{([^}]*)\}/g)];
  if (keys.length === 0) return { error: `Invalid pattern for dissect: [${pattern}]` };
  const leading = pattern.slice(0, keys[0].index);
  const parts: Array<{ key: Key; delimiter: string }> = [];
  for (const [i, m] of keys.entries()) {
    const end = i + 1 < keys.length ? keys[i + 1].index : pattern.length;
    const delimiter = pattern.slice(m.index + m[0].length, end);
    let body = m[1];
    if (body.startsWith('*') || body.startsWith('&')) return { error: `Reference keys not supported in dissect patterns: [%{*${body.slice(1)}}]` };
    const padded = body.endsWith('->');
    if (padded) body = body.slice(0, -2);
    let append = false;
    let skip = body === '';
    if (body.startsWith('+')) {
      append = true;
      body = body.slice(1);
    } else if (body.startsWith('?')) {
      skip = true;
    }
    let order: number | null = null;
    const slash = /\/(\d+)$/.exec(body);
    if (append && slash) {
      order = Number(slash[1]);
      body = body.slice(0, slash.index);
    }
    // Two keys with nothing between them cannot be told apart (Elasticsearch refuses them too).
    if (i + 1 < keys.length && delimiter === '') return { error: `Invalid pattern for dissect: [${pattern}]` };
    parts.push({ key: { name: skip ? null : body, append, order, padded }, delimiter });
  }
  return { leading, parts, appendSeparator };
}

/** The columns a pattern adds, in the order their keys first appear. */
export function dissectKeys(p: DissectPattern): string[] {
  const names: string[] = [];
  for (const { key } of p.parts) if (key.name !== null && !names.includes(key.name)) names.push(key.name);
  return names;
}

const reQuote = (s: string): string => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/**
 * One SQL expression per key over `input` (a VARCHAR expression): the key's value, its appended
 * parts joined by the separator, or NULL for every key when the text does not match.
 */
export function dissectColumns(p: DissectPattern, input: string): Array<{ name: string; sql: string }> {
  let re = `^${reQuote(p.leading)}`;
  const groups: Key[] = [];
  for (const [i, { key, delimiter }] of p.parts.entries()) {
    const last = i === p.parts.length - 1;
    re += last && delimiter === '' ? '(.*)' : '(.*?)';
    groups.push(key);
    if (delimiter !== '') re += key.padded ? `(?:${reQuote(delimiter)})+` : reQuote(delimiter);
  }
  // A pattern ending in a delimiter still lets text follow it, as dissect stops at the last key.
  if (p.parts.at(-1)!.delimiter !== '') re += '.*';
  re = `(?s)${re}$`;
  const matched = `regexp_full_match(${input}, ${quoteString(re)})`;
  return dissectKeys(p).map((name) => {
    const own = groups.map((k, i) => ({ k, group: i + 1 })).filter(({ k }) => k.name === name);
    // Appended parts go in /N order when given, else as written; the plain key comes first.
    const ordered = [...own].sort((a, b) => rank(a.k) - rank(b.k) || a.group - b.group);
    const values = ordered.map(({ group }) => `regexp_extract(${input}, ${quoteString(re)}, ${group})`);
    const value = values.length === 1 ? values[0] : `concat_ws(${quoteString(p.appendSeparator)}, ${values.join(', ')})`;
    return { name, sql: `CASE WHEN ${matched} THEN ${value} END` };
  });
}

const rank = (k: Key): number => (!k.append ? -1 : (k.order ?? 0));
