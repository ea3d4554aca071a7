import { listenLocal } from './local-http.js';

/**
 * An HTTP input source whose responses the test releases by hand, so an ingestion task stays in
 * its running phase for exactly as long as a test needs.
 */
export class HeldInput {
  readonly #bodies = new Map<string, string>();
  readonly #held = new Map<string, Array<() => void>>();
  readonly #requests = new Map<string, number>();
  readonly #failed = new Set<string>();
  #close: () => Promise<void> = async () => {};
  url = '';

  static async start(): Promise<HeldInput> {
    const h = new HeldInput();
    const { base, close } = await listenLocal((req, res) => {
      const name = (req.url ?? '/').slice(1);
      h.#requests.set(name, (h.#requests.get(name) ?? 0) + 1);
      const send = () => {
        const body = h.#bodies.get(name);
        if (h.#failed.has(name)) res.writeHead(500).end('failing on purpose');
        else if (body === undefined) res.writeHead(404).end('not found');
        else res.writeHead(200, { 'content-type': 'application/x-ndjson' }).end(body);
      };
      const waiting = h.#held.get(name);
      if (waiting) waiting.push(send);
      else send();
    });
    h.url = base;
    h.#close = close;
    return h;
  }

  /** Serves `rows` at /name; when `hold` is set, requests wait until release(name). */
  serve(name: string, rows: readonly object[], hold = false): string {
    this.#bodies.set(name, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    if (hold) this.#held.set(name, []);
    return `${this.url}/${name}`;
  }

  requests(name: string): number {
    return this.#requests.get(name) ?? 0;
  }

  /** Answers the held requests for /name (and later ones) with a 500, so the reading task fails. */
  fail(name: string): void {
    this.#bodies.delete(name);
    const waiting = this.#held.get(name) ?? [];
    this.#held.delete(name);
    this.#failed.add(name);
    for (const send of waiting) send();
  }

  release(name: string): void {
    const waiting = this.#held.get(name) ?? [];
    this.#held.delete(name);
    for (const send of waiting) send();
  }

  async close(): Promise<void> {
    for (const name of [...this.#held.keys()]) this.release(name);
    await this.#close();
  }
}
