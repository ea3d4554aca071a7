/**
 * Following a task log by byte offset (GET .../log?offset=N: from byte N; negative: the last |N|
 * bytes). Pure steps over a fetch function, so the log view stays small.
 *
 * - The tail request answers min(size, 16 KB). Shorter than that means it is the whole log and its
 *   byte length is the offset to continue from (`end`).
 * - With a known `end`, a step asks from `end - 1` and drops that first byte (the last one already
 *   shown). Asking exactly at the end would be natural, but Grove answers an offset at the end of
 *   the file with a 500 ("end" out of range) instead of an empty body; one byte of overlap avoids
 *   that and works with either behaviour.
 * - A log longer than the tail has no known absolute end (`end: null`): each step fetches the tail
 *   again and appends what follows the last lines already shown.
 */

export const TAIL_BYTES = 16_384;
/** The view keeps at most this much text; older lines are dropped from the top. */
const MAX_CHARS = 2_000_000;
const ANCHOR_CHARS = 512;

export interface LogState {
  readonly text: string;
  /** Bytes of the log shown so far when they start at byte 0; null when only a tail is known; undefined before the first load. */
  readonly end: number | null | undefined;
}

type Fetch = (offset: number) => Promise<string>;

const encoder = new TextEncoder();
const bytesOf = (s: string): number => encoder.encode(s).length;

function capped(text: string): string {
  if (text.length <= MAX_CHARS) return text;
  const cut = text.indexOf('\n', text.length - MAX_CHARS);
  return `[… earlier lines dropped …]\n${text.slice(cut < 0 ? text.length - MAX_CHARS : cut + 1)}`;
}

export async function tailStep(fetchText: Fetch): Promise<LogState> {
  const text = await fetchText(-TAIL_BYTES);
  const n = bytesOf(text);
  return n < TAIL_BYTES ? { text, end: n } : { text: `[… the log is longer; its last ${TAIL_BYTES / 1024} KB follow …]\n${dropPartialLine(text)}`, end: null };
}

/** A tail starts mid-line (maybe mid-character): show it from its first whole line. */
function dropPartialLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl >= 0 && nl < text.length - 1 ? text.slice(nl + 1) : text;
}

export async function followStep(s: LogState, fetchText: Fetch): Promise<LogState> {
  if (s.end === undefined) return tailStep(fetchText);
  if (s.end === 0) {
    const text = await fetchText(0);
    return { text, end: bytesOf(text) };
  }
  if (s.end !== null) {
    // The first character is the byte at end - 1: an ASCII one, or U+FFFD for part of a longer one.
    const added = (await fetchText(s.end - 1)).slice(1);
    return added === '' ? s : { text: capped(s.text + added), end: s.end + bytesOf(added) };
  }
  const tail = await fetchText(-TAIL_BYTES);
  return { text: capped(s.text + appendedAfter(s.text, tail)), end: null };
}

/** What `tail` (the log's latest bytes) has after the end of `shown`. */
export function appendedAfter(shown: string, tail: string): string {
  const anchor = shown.slice(-ANCHOR_CHARS);
  if (anchor === '') return tail;
  const at = tail.lastIndexOf(anchor);
  if (at >= 0) return tail.slice(at + anchor.length);
  // More than a tail's worth was written since the last step.
  return `\n[… some lines were skipped …]\n${dropPartialLine(tail)}`;
}
