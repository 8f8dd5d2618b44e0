/**
 * The bulletin board as a web page (renderer/board, built to dist/board by
 * `npm run build`): `/` leads to `/board/`; a browser opening the receipt's QR
 * URL `/urna/v1/confirmation/<code>` is sent to `/board/?code=<code>`, where the
 * page checks that code; every other client of that URL still gets the JSON answer. The page loads nothing
 * from elsewhere and runs no inline script: a strict Content-Security-Policy
 * allows this validator's own files and, for the confirmations the page counts,
 * the other validators the package lists. The public GET API answers any
 * origin (CORS), so the page served by one validator can ask the others.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

const ASSET_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(?:js|css)$/;

/** Where the built page is: dist/board beside the sources, or ../board beside the bundled CLI in dist/cli. */
export function defaultBoardPageDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return [path.join(here, '..', 'dist', 'board'), path.join(here, '..', 'board')].find((dir) =>
    existsSync(path.join(dir, 'index.html')),
  );
}

/** The page's security headers; `validatorOrigins` are the other validators it may ask. */
export function boardPageHeaders(validatorOrigins: readonly string[]): Record<string, string> {
  const connect = ["'self'", ...validatorOrigins].join(' ');
  return {
    'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ${connect}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/** True for a browser navigating to a URL (it asks for HTML first), not for a program asking for JSON. */
export function wantsPage(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') && request.method === 'GET';
}

export type BoardPage = {
  /** Sends the page (or says plainly that it is not built). */
  send(reply: FastifyReply): FastifyReply;
};

/** Registers `/`, `/board/` and its assets, and CORS on the public GET API. */
export function registerBoardPage(
  app: FastifyInstance,
  pageDir: string | undefined,
  validatorOrigins: readonly string[],
): BoardPage {
  const headers = boardPageHeaders(validatorOrigins);
  const indexFile = pageDir === undefined ? undefined : path.join(pageDir, 'index.html');
  const page: BoardPage = {
    send(reply) {
      if (indexFile === undefined || !existsSync(indexFile)) {
        return reply
          .code(503)
          .headers(headers)
          .type('text/plain; charset=utf-8')
          .send(
            'The bulletin-board page is not built on this validator (npm run build). The JSON API is at /urna/v1/.\n',
          );
      }
      return reply
        .code(200)
        .headers(headers)
        .type(CONTENT_TYPES['.html'] ?? 'text/html')
        .send(readFileSync(indexFile));
    },
  };

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'GET' && request.url.startsWith('/urna/v1/'))
      reply.header('access-control-allow-origin', '*');
    return payload;
  });

  app.get('/', (_request, reply) => reply.redirect('/board/', 302));
  app.get('/board', (_request, reply) => reply.redirect('/board/', 301));
  app.get('/board/', (_request, reply) => page.send(reply));
  app.get<{ Params: { file: string } }>('/board/assets/:file', (request, reply) => {
    const { file } = request.params;
    const full = pageDir === undefined ? undefined : path.join(pageDir, 'assets', file);
    if (!ASSET_NAME.test(file) || full === undefined || !existsSync(full)) {
      return reply
        .code(404)
        .type('application/json')
        .send({ error: { code: 'no-such-file', message: 'no such file of the board page' } });
    }
    return reply
      .code(200)
      .headers(headers)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .type(CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream')
      .send(readFileSync(full));
  });
  return page;
}
