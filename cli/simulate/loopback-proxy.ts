/**
 * Network faults on loopback: a TCP proxy that can cut every connection it carries
 * (and refuse new ones, as a pulled cable would) and be pointed at a restarted
 * server's new port. The simulation puts one between each station and each
 * validator; the sync tests use it the same way.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export class LoopbackProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private cut = false;
  port = 0;

  constructor(private targetPort: number) {}

  async start(): Promise<string> {
    const server = createServer((client) => {
      if (this.cut) {
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}/`;
  }

  retarget(port: number): void {
    this.targetPort = port;
    this.dropConnections();
  }

  /** Pulls the cable: open connections die mid-request, new ones are reset. */
  cutNetwork(): void {
    this.cut = true;
    this.dropConnections();
  }

  restoreNetwork(): void {
    this.cut = false;
  }

  private dropConnections(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.dropConnections();
    const server = this.server;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
