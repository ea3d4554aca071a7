import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The web console: the Vite build in dist/console, served at `/`. Druid's console lives at
 * /unified-console.html, so that address redirects here. The console talks only to the public APIs.
 */

const CONSOLE_DIR = fileURLToPath(new URL('../console/', import.meta.url));

export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  app.get('/unified-console.html', async (_req, reply) => reply.redirect('/', 301));
  if (!fs.existsSync(`${CONSOLE_DIR}/index.html`)) {
    // Only a checkout that skipped `npm run build` gets here; the APIs work regardless.
    app.get('/', async (_req, reply) =>
      reply.code(503).type('text/plain; charset=utf-8').send('The Grove console is not built: run `npm run build` (npm start does it).'),
    );
    return;
  }
  // Files are looked up per request (wildcard), so a rebuild while the server runs is served at once.
  await app.register(fastifyStatic, { root: CONSOLE_DIR, prefix: '/', wildcard: true, index: ['index.html'], cacheControl: true, maxAge: 0 });
}
