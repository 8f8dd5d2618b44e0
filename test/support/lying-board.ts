/**
 * A bulletin board that lies: an HTTP server in front of a real validator that
 * passes everything through but rewrites the JSON answers to
 * `/urna/v1/confirmation/…` with `lie` (a tampered proof, a forged cosignature).
 * What a compromised validator, or a network path to one, could serve.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Lie = (answer: Record<string, unknown>) => void;

export type LyingBoard = { readonly url: string; lie: Lie | null; close(): Promise<void> };

export async function startLyingBoard(target: string, lie: Lie | null, port = 0): Promise<LyingBoard> {
  const board: { lie: Lie | null } = { lie };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const headers: Record<string, string> = {};
      if (typeof request.headers.accept === 'string') headers['accept'] = request.headers.accept;
      const upstream = await fetch(new URL(request.url ?? '/', target), { headers, redirect: 'manual' });
      const body = Buffer.from(await upstream.arrayBuffer());
      const type = upstream.headers.get('content-type') ?? 'application/octet-stream';
      const passed: Record<string, string> = { 'content-type': type };
      for (const name of ['content-security-policy', 'location', 'access-control-allow-origin']) {
        const value = upstream.headers.get(name);
        if (value !== null) passed[name] = value;
      }
      if (
        (request.url ?? '').startsWith('/urna/v1/confirmation/') &&
        upstream.status === 200 &&
        type.startsWith('application/json') &&
        board.lie !== null
      ) {
        const answer = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        board.lie(answer);
        response.writeHead(200, passed).end(JSON.stringify(answer));
        return;
      }
      response.writeHead(upstream.status, passed).end(body);
    })().catch((error: unknown) => response.writeHead(502).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get lie() {
      return board.lie;
    },
    set lie(next: Lie | null) {
      board.lie = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Flips one bit of the first inclusion-proof hash. */
export const tamperProof: Lie = (answer) => {
  const proof = answer['inclusionProof'] as string[];
  const first = Buffer.from(proof[0] ?? '', 'base64');
  first[0] = (first[0] ?? 0) ^ 1;
  proof[0] = first.toString('base64');
};

/** Flips one bit of `validator`'s cosignature on the checkpoint: its name and key id stay, the signature is wrong. */
export function forgeCosignature(validator: string): Lie {
  return (answer) => {
    const lines = (answer['checkpoint'] as string).split('\n');
    const at = lines.findIndex((l) => l.startsWith(`— ${validator} `));
    const sig = Buffer.from(lines[at]?.split(' ')[2] ?? '', 'base64');
    sig[sig.length - 1] = (sig[sig.length - 1] ?? 0) ^ 1;
    lines[at] = `— ${validator} ${sig.toString('base64')}`;
    answer['checkpoint'] = lines.join('\n');
  };
}
