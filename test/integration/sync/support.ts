/**
 * Network faults on loopback: a TCP proxy per validator that can cut every
 * connection (and refuse new ones) and be pointed at a restarted validator's new
 * port, and a fake validator that answers with garbage cosignatures.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export { LoopbackProxy } from '../../../cli/simulate/loopback-proxy';

/** Answers every write with HTTP 200 and a cosignature line that verifies under no key. */
export async function startGarbageValidator(
  name: string,
): Promise<{ port: number; requests: () => number; close(): Promise<void> }> {
  let count = 0;
  const garbageLine = () => `— ${name} ${randomBytes(4 + 8 + 64).toString('base64')}\n`;
  const server: HttpServer = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      count += 1;
      if (request.url === '/urna/v1/entries') {
        const parsed = JSON.parse(body) as { origin: string; from: number; entries: string[] };
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            origin: parsed.origin,
            size: parsed.from + parsed.entries.length,
            cosignature: garbageLine(),
            checkpoint: '',
          }),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(garbageLine());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function portOf(url: string): number {
  return Number(new URL(url).port);
}
