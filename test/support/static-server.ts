/** A static file server on loopback, as any web host would publish a mirror folder: files only, no Urna code. */
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export async function serveFolder(root: string, prefix: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    if (!pathname.startsWith(prefix)) return void response.writeHead(404).end('not found');
    let file = path.join(root, pathname.slice(prefix.length));
    if (!file.startsWith(root)) return void response.writeHead(403).end();
    try {
      if (statSync(file).isDirectory()) file = path.join(file, 'index.html');
      const type = file.endsWith('.html')
        ? 'text/html'
        : file.endsWith('.js')
          ? 'text/javascript'
          : file.endsWith('.css')
            ? 'text/css'
            : 'application/octet-stream';
      response.writeHead(200, { 'content-type': type }).end(readFileSync(file));
    } catch {
      response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>not found</h1>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
