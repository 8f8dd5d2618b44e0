/**
 * The simulation's handle on one station process (cli/simulate/station-child.ts):
 * start it, send it requests over the IPC channel, kill it with SIGKILL, start it
 * again on the same data folder and serial paths.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiResult, StationApiMethod } from '../../core/api/station-api';
import type { SyncBatchPolicy } from '../../main/sync/sync-batching';
import { bundled, bundleFile } from '../../validator/entry-points';

// The bundle's station-child.mjs, or the TypeScript source run through tsx.
const CHILD = bundled
  ? fileURLToPath(bundleFile('station-child.mjs'))
  : path.resolve(import.meta.dirname, 'station-child.ts');

export type StationChildConfig = {
  readonly dataDir: string;
  readonly printerPath: string;
  readonly cardReaderPath: string;
  readonly cardIssuerKeyHex: string;
  /** Validator name → the URL this station reaches it at (its own proxy). */
  readonly validatorUrls: Readonly<Record<string, string>>;
  readonly syncPollMs: number;
  /** When the station releases entries to the validators. */
  readonly syncBatching: SyncBatchPolicy;
};

export type StationChildRequest = { readonly id: number } & (
  | { readonly op: 'call'; readonly method: StationApiMethod; readonly args: unknown }
  | { readonly op: 'wait-printing' }
  | { readonly op: 'ledger-sizes' }
  | { readonly op: 'close' }
);

/** Distributes Omit over the request union, so each op keeps its own fields. */
type RequestBody = StationChildRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export type StationChildReply = { readonly id: number } & (
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string }
);

/** The station process died (killed, or crashed by itself) while a request was open. */
export class StationGone extends Error {
  constructor(stationId: string, how: string) {
    super(`station ${stationId} process ended (${how})`);
    this.name = 'StationGone';
  }
}

export class StationProcess {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly open = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private stderrTail = '';

  constructor(
    readonly stationId: string,
    private readonly config: StationChildConfig,
  ) {}

  /** Forks the station and resolves once it has opened its data folder. */
  async start(): Promise<void> {
    this.stderrTail = '';
    const child = fork(CHILD, [JSON.stringify(this.config)], {
      execArgv: bundled ? [] : ['--import', 'tsx'],
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4000);
    });
    const ready = new Promise<void>((resolve, reject) => this.open.set(0, { resolve: () => resolve(), reject }));
    child.on('message', (reply: StationChildReply) => {
      const waiting = this.open.get(reply.id);
      if (waiting === undefined) return;
      this.open.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(new Error(`station ${this.stationId}: ${reply.error}`));
    });
    // A send racing the child's death fails with EPIPE; the exit handler below answers every open request.
    child.on('error', () => undefined);
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      const gone = new StationGone(
        this.stationId,
        signal ?? `exit ${String(code)}${this.stderrTail ? `: ${this.stderrTail}` : ''}`,
      );
      for (const waiting of this.open.values()) waiting.reject(gone);
      this.open.clear();
    });
    await ready;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  request<T>(body: RequestBody): Promise<T> {
    const child = this.child;
    if (child === undefined) return Promise.reject(new StationGone(this.stationId, 'not running'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.open.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...body, id }, (error) => {
        if (error === null || !this.open.has(id)) return;
        this.open.delete(id);
        reject(new StationGone(this.stationId, error.message));
      });
    });
  }

  /** A station API call, answered as the renderer would see it. */
  call<T>(method: StationApiMethod, args: unknown = {}): Promise<ApiResult<T>> {
    return this.request<ApiResult<T>>({ op: 'call', method, args });
  }

  /** Power cut: SIGKILL, and wait until the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Orderly shutdown: the station closes its ledger, devices and sync, then the process ends. */
  async close(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await this.request({ op: 'close' });
    child.disconnect();
    await exited;
  }
}
