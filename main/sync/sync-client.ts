/**
 * The station's sync client. It runs in the background and never blocks voting:
 * every network call is asynchronous with a deadline, and it only reads the ledger.
 * One loop per validator (all in parallel) pushes each log's new entries in batches
 * — each batch ending on a checkpoint the station signed — and stores the
 * cosignature it gets back. It resumes from the size each validator acknowledged
 * (persisted in sync.sqlite), learns a validator's real size from a 409, retries
 * with exponential backoff and full jitter, and reports per-validator progress and
 * whether t of n validators have cosigned the station's latest checkpoints.
 *
 * A cosignature that does not verify under the validator's key from the election
 * package is never stored: the validator is reported (`sync.bad-cosignature`) and
 * counts for nothing.
 */
import type { LogKind } from '../../core/ids';
import { LOG_KINDS } from '../../core/ids';
import type { ElectionDefinition } from '../../core/election/definition';
import { verifyCosignedCheckpoint } from '../../core/ledger/cosignature';
import { parseVerifierKey } from '../../core/ledger/note';
import {
  ADD_CHECKPOINT_PATH,
  ENTRIES_PATH,
  formatAddCheckpointRequest,
  parseTlogSize,
  TLOG_SIZE_CONTENT_TYPE,
  type EntriesRequest,
  type EntriesResponse,
  type ErrorBody,
} from '../../core/ledger/witness-protocol';
import type { EventLogger } from '../../core/logging';
import { SyncBatchGate, type SyncBatchPolicy } from './sync-batching';
import { SyncStore } from './sync-store';

/** What the client reads from the station's ledger (LedgerReader has all of it). */
export type SyncSource = {
  origin(log: LogKind): string;
  size(log: LogKind): number;
  entryTexts(log: LogKind, from: number, to: number): string[];
  checkpointBetween(log: LogKind, after: number, atMost: number): { size: number; note: string } | undefined;
};

export type SyncValidator = { readonly name: string; readonly verifierKey: string; readonly url: string };

/** The validators the election package names; `urls` overrides addresses (tests, a local relay). */
export function validatorsOf(
  definition: ElectionDefinition,
  urls: Readonly<Record<string, string>> = {},
): SyncValidator[] {
  return definition.validators.members.map((m) => ({
    name: m.name,
    verifierKey: m.verifierKey,
    url: urls[m.name] ?? m.url,
  }));
}

export type ValidatorState = 'idle' | 'pushing' | 'backing-off' | 'refused' | 'stopped';

export type ValidatorProgress = {
  readonly name: string;
  readonly url: string;
  readonly state: ValidatorState;
  /** Entries the validator has acknowledged, per log. */
  readonly acked: Readonly<Record<LogKind, number>>;
  /** Largest size this station holds a valid cosignature from it for, per log. */
  readonly cosigned: Readonly<Record<LogKind, number>>;
  readonly consecutiveFailures: number;
  readonly badCosignatures: number;
  readonly lastError: { readonly code: string; readonly message: string } | undefined;
};

export type LogProgress = {
  readonly log: LogKind;
  readonly localSize: number;
  /** Largest size cosigned by at least t validators: everything below it is final. */
  readonly finalSize: number;
  /** The station's checkpoint at finalSize with every collected cosignature. */
  readonly finalCheckpoint: string | undefined;
};

export type SyncStatus = {
  readonly threshold: number;
  readonly validators: readonly ValidatorProgress[];
  readonly logs: readonly LogProgress[];
  /** Both logs are final at their current local size. */
  readonly quorum: boolean;
  /** Entries held back until the next batch is released (sync-batching.ts); 0 without batching. */
  readonly waitingForBatch: number;
};

export type SyncClientOptions = {
  readonly source: SyncSource;
  readonly validators: readonly SyncValidator[];
  readonly threshold: number;
  /** Folder for sync.sqlite (the station's data folder). */
  readonly dataDir: string;
  readonly logger: EventLogger;
  readonly batchSize?: number;
  readonly requestTimeoutMs?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** How often an idle loop looks for new entries even without nudge(). */
  readonly pollMs?: number;
  readonly random?: () => number;
  /**
   * When new entries may go out (sync-batching.ts). Without one, every entry is
   * pushed as soon as a loop sees it: for tools and tests, never a polling station.
   */
  readonly batching?: SyncBatchPolicy;
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

type Outcome = 'progress' | 'idle' | 'retry' | 'refused';

class RequestFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly outcome: 'retry' | 'refused',
  ) {
    super(message);
  }
}

export class SyncClient {
  private readonly store: SyncStore;
  private readonly progress = new Map<string, Mutable<ValidatorProgress>>();
  private readonly keys = new Map<string, { name: string; publicKey: Uint8Array }>();
  private readonly batchSizes = new Map<string, number>();
  private readonly loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();
  private readonly abort = new AbortController();
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  private gate: SyncBatchGate | undefined;
  private running = false;
  private lastQuorum = new Map<LogKind, number>();

  constructor(private readonly options: SyncClientOptions) {
    this.store = SyncStore.open(options.dataDir);
    for (const v of options.validators) {
      const key = parseVerifierKey(v.verifierKey);
      if (!key.ok || key.value.name !== v.name)
        throw new Error(`invariant failed: validator ${v.name} has no usable verifier key`);
      this.keys.set(v.name, { name: key.value.name, publicKey: key.value.publicKey });
      this.batchSizes.set(v.name, options.batchSize ?? 500);
      this.progress.set(v.name, {
        name: v.name,
        url: v.url,
        state: 'idle',
        acked: { ballots: this.store.acked(v.name, 'ballots'), pollbook: this.store.acked(v.name, 'pollbook') },
        cosigned: {
          ballots: this.store.bestCosigned(v.name, 'ballots'),
          pollbook: this.store.bestCosigned(v.name, 'pollbook'),
        },
        consecutiveFailures: 0,
        badCosignatures: 0,
        lastError: undefined,
      });
    }
  }

  /** Starts one background loop per validator. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.options.logger.log('sync.started', {
      validators: this.options.validators.length,
      threshold: this.options.threshold,
      batching: this.options.batching ?? null,
    });
    if (this.options.batching !== undefined) {
      this.gate = new SyncBatchGate(
        this.options.batching,
        this.options.source,
        Date.now(),
        this.options.random ?? Math.random,
      );
      this.loops.push(this.releaseLoop(this.gate));
    }
    for (const v of this.options.validators) this.loops.push(this.loop(v));
  }

  /** Releases batches as the policy says, and wakes the validator loops for each. */
  private async releaseLoop(gate: SyncBatchGate): Promise<void> {
    while (this.running) {
      if (gate.tick(Date.now())) {
        this.options.logger.log('sync.batch-released', {
          ballots: gate.releasedSize('ballots'),
          pollbook: gate.releasedSize('pollbook'),
        });
        this.nudge();
      }
      await this.sleep(this.options.pollMs ?? 1000);
    }
  }

  /** How far each log may be pushed now: all of it without batching. */
  private releasedSize(log: LogKind): number {
    return this.gate?.releasedSize(log) ?? this.options.source.size(log);
  }

  /** Stops every loop, aborting requests in flight; persisted progress stays. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    for (const wake of this.wakers) wake();
    await Promise.all(this.loops);
    this.loops.length = 0;
    for (const p of this.progress.values()) p.state = 'stopped';
    this.store.close();
    this.options.logger.log('sync.stopped', {});
  }

  /** New entries were appended: wake idle loops (and the batch gate) now instead of at the next poll. */
  nudge(): void {
    for (const wake of this.wakers) wake();
  }

  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): SyncStatus {
    const logs = LOG_KINDS.map((log) => {
      const finalSize = this.store.quorumSize(log, this.options.threshold);
      return {
        log,
        localSize: this.options.source.size(log),
        finalSize,
        finalCheckpoint: finalSize > 0 ? this.finalCheckpoint(log, finalSize) : undefined,
      };
    });
    return {
      threshold: this.options.threshold,
      validators: [...this.progress.values()].map((p) => ({
        ...p,
        acked: { ...p.acked },
        cosigned: { ...p.cosigned },
      })),
      logs,
      quorum: logs.every((l) => l.finalSize === l.localSize),
      waitingForBatch: this.gate?.waiting() ?? 0,
    };
  }

  private finalCheckpoint(log: LogKind, size: number): string | undefined {
    const station = this.options.source.checkpointBetween(log, size - 1, size);
    if (station === undefined) return undefined;
    const order = this.options.validators.map((v) => v.name);
    const lines = this.store
      .cosignaturesAt(log, size)
      .sort((a, b) => order.indexOf(a.validator) - order.indexOf(b.validator));
    return `${station.note}${lines.map((l) => l.line).join('')}`;
  }

  private changed(): void {
    const status = this.status();
    for (const l of status.logs) {
      if (l.finalSize > (this.lastQuorum.get(l.log) ?? 0)) {
        this.lastQuorum.set(l.log, l.finalSize);
        this.options.logger.log('sync.checkpoint-final', {
          log: l.log,
          size: l.finalSize,
          threshold: this.options.threshold,
        });
      }
    }
    for (const listener of this.listeners) listener(status);
  }

  private async loop(validator: SyncValidator): Promise<void> {
    const progress = this.progress.get(validator.name) as Mutable<ValidatorProgress>;
    const backoff = this.options.backoff ?? { initialMs: 250, maxMs: 30_000 };
    const random = this.options.random ?? Math.random;
    while (this.running) {
      let outcome: Outcome;
      try {
        outcome = await this.step(validator, progress);
      } catch (error) {
        // Network failures, timeouts, a validator that went away mid-request.
        const failure =
          error instanceof RequestFailure
            ? error
            : new RequestFailure('unreachable', error instanceof Error ? error.message : String(error), 'retry');
        if (!this.running) break;
        outcome = failure.outcome;
        progress.lastError = { code: failure.code, message: failure.message };
        this.options.logger.log('sync.request-failed', {
          validator: validator.name,
          code: failure.code,
          message: failure.message.slice(0, 300),
          outcome: 'failure',
        });
      }
      if (outcome === 'progress') {
        progress.consecutiveFailures = 0;
        progress.lastError = undefined;
        this.changed();
        continue;
      }
      if (outcome === 'idle') {
        progress.state = 'idle';
        progress.consecutiveFailures = 0;
        await this.sleep(this.options.pollMs ?? 1000);
        continue;
      }
      progress.consecutiveFailures += 1;
      progress.state = outcome === 'refused' ? 'refused' : 'backing-off';
      this.changed();
      const ceiling =
        outcome === 'refused'
          ? backoff.maxMs
          : Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(progress.consecutiveFailures - 1, 20));
      // Full jitter, with a floor so a fleet of stations never hammers a recovering validator in lockstep.
      await this.sleep(ceiling / 2 + random() * (ceiling / 2));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (!this.running) return resolve();
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /** One request for the first log that needs one. */
  private async step(validator: SyncValidator, progress: Mutable<ValidatorProgress>): Promise<Outcome> {
    const source = this.options.source;
    for (const log of LOG_KINDS) {
      const local = this.releasedSize(log);
      if (local === 0) continue;
      const acked = this.store.acked(validator.name, log);
      if (acked > source.size(log)) {
        throw new RequestFailure(
          'validator-ahead',
          `${validator.name} acknowledged ${acked} entries of the ${log} log, the station has ${source.size(log)}`,
          'refused',
        );
      }
      // Already holds more than this release (it learnt the rest before a restart): wait for the next one.
      if (acked > local) continue;
      if (acked < local) {
        progress.state = 'pushing';
        await this.pushBatch(validator, progress, log, acked, local);
        return 'progress';
      }
      if (!this.store.hasCosignature(validator.name, log, local)) {
        progress.state = 'pushing';
        await this.fetchCosignature(validator, progress, log, local);
        return 'progress';
      }
    }
    return 'idle';
  }

  private async pushBatch(
    validator: SyncValidator,
    progress: Mutable<ValidatorProgress>,
    log: LogKind,
    acked: number,
    local: number,
  ): Promise<void> {
    const source = this.options.source;
    const batch = this.batchSizes.get(validator.name) ?? 500;
    const end =
      source.checkpointBetween(log, acked, Math.min(local, acked + batch)) ??
      source.checkpointBetween(log, acked, local);
    if (end === undefined) throw new Error(`invariant failed: the ${log} log has no signed checkpoint above ${acked}`);
    const body: EntriesRequest = {
      origin: source.origin(log),
      from: acked,
      entries: source.entryTexts(log, acked, end.size),
      checkpoint: end.note,
    };
    let response: Awaited<ReturnType<SyncClient['request']>>;
    try {
      response = await this.request(
        validator,
        ENTRIES_PATH,
        { 'content-type': 'application/json' },
        JSON.stringify(body),
      );
    } catch (error) {
      // A busy validator that cannot check a batch within the timeout gets half as much next
      // time; resending the same large batch would time out again while it still works on the first.
      if (error instanceof DOMException && error.name === 'TimeoutError')
        this.batchSizes.set(validator.name, Math.max(1, Math.floor(batch / 2)));
      throw error;
    }
    if (response.status === 200) {
      const accepted = JSON.parse(response.body) as EntriesResponse;
      this.acceptCosignature(validator, progress, log, end.size, end.note, accepted.cosignature);
      // Grow back towards the configured batch once the validator keeps up again.
      this.batchSizes.set(validator.name, Math.min(this.options.batchSize ?? 500, batch * 2));
      return;
    }
    const error = parseError(response.body);
    if (response.status === 409 && error.size !== undefined) {
      this.adoptValidatorSize(validator, progress, log, error.size, local);
      return;
    }
    if (response.status === 413) {
      this.batchSizes.set(validator.name, Math.max(1, Math.floor(batch / 2)));
      throw new RequestFailure(error.code, error.message, 'retry');
    }
    throw failureFor(response.status, error);
  }

  private async fetchCosignature(
    validator: SyncValidator,
    progress: Mutable<ValidatorProgress>,
    log: LogKind,
    size: number,
  ): Promise<void> {
    const checkpoint = this.options.source.checkpointBetween(log, size - 1, size);
    if (checkpoint === undefined) throw new Error(`invariant failed: no signed checkpoint for size ${size}`);
    const response = await this.request(
      validator,
      ADD_CHECKPOINT_PATH,
      { 'content-type': 'text/plain' },
      formatAddCheckpointRequest(size, [], checkpoint.note),
    );
    if (response.status === 200) {
      this.acceptCosignature(validator, progress, log, size, checkpoint.note, response.body);
      return;
    }
    if (response.status === 409 && response.contentType.startsWith(TLOG_SIZE_CONTENT_TYPE)) {
      const validatorSize = parseTlogSize(response.body);
      if (validatorSize === undefined)
        throw new RequestFailure('bad-response', `${validator.name} sent a malformed size`, 'retry');
      this.adoptValidatorSize(validator, progress, log, validatorSize, this.options.source.size(log));
      return;
    }
    throw failureFor(response.status, parseError(response.body));
  }

  private adoptValidatorSize(
    validator: SyncValidator,
    progress: Mutable<ValidatorProgress>,
    log: LogKind,
    size: number,
    local: number,
  ): void {
    if (size > local)
      throw new RequestFailure(
        'validator-ahead',
        `${validator.name} claims ${size} entries of the ${log} log, the station has ${local}`,
        'refused',
      );
    this.store.setAcked(validator.name, log, size);
    progress.acked = { ...progress.acked, [log]: size };
    this.options.logger.log('sync.resumed-at', { validator: validator.name, log, size });
  }

  private acceptCosignature(
    validator: SyncValidator,
    progress: Mutable<ValidatorProgress>,
    log: LogKind,
    size: number,
    stationNote: string,
    lines: string,
  ): void {
    const key = this.keys.get(validator.name);
    if (key === undefined) throw new Error('invariant failed: validator key');
    const line = lines.split('\n').find((l) => l.startsWith(`— ${validator.name} `));
    const verified = line === undefined ? undefined : verifyCosignedCheckpoint(`${stationNote}${line}\n`, [key]);
    if (line === undefined || verified === undefined || !verified.ok || verified.value.length !== 1) {
      progress.badCosignatures += 1;
      // The validator did take the entries; only its signature is worthless.
      this.store.setAcked(validator.name, log, size);
      progress.acked = { ...progress.acked, [log]: size };
      this.options.logger.log('sync.bad-cosignature', { validator: validator.name, log, size, outcome: 'failure' });
      throw new RequestFailure(
        'bad-cosignature',
        `${validator.name} returned a cosignature that does not verify under its key from the election package`,
        'refused',
      );
    }
    this.store.recordCosignature(validator.name, log, size, `${line}\n`);
    progress.acked = { ...progress.acked, [log]: size };
    progress.cosigned = { ...progress.cosigned, [log]: size };
    this.options.logger.log('sync.cosigned', { validator: validator.name, log, size, outcome: 'success' });
  }

  private async request(
    validator: SyncValidator,
    pathname: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; contentType: string; body: string }> {
    const url = new URL(pathname, validator.url.endsWith('/') ? validator.url : `${validator.url}/`);
    // Not AbortSignal.any([stop, AbortSignal.timeout()]): on Node 20 the garbage collector can
    // collect that combined signal while the fetch waits, and then the timeout never fires and
    // a request to a validator that stopped answering hangs this loop for good. Here the timer
    // holds the controller until it has fired or been cleared.
    const controller = new AbortController();
    const stop = () => controller.abort(this.abort.signal.reason);
    if (this.abort.signal.aborted) stop();
    else this.abort.signal.addEventListener('abort', stop, { once: true });
    const timer = setTimeout(
      () => controller.abort(new DOMException('the validator did not answer in time', 'TimeoutError')),
      this.options.requestTimeoutMs ?? 10_000,
    );
    try {
      const response = await fetch(url, { method: 'POST', headers, body, signal: controller.signal });
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        body: await response.text(),
      };
    } finally {
      clearTimeout(timer);
      this.abort.signal.removeEventListener('abort', stop);
    }
  }
}

function parseError(body: string): { code: string; message: string; size?: number } {
  try {
    const parsed = JSON.parse(body) as Partial<ErrorBody>;
    if (parsed.error !== undefined && typeof parsed.error.code === 'string') {
      return {
        code: parsed.error.code,
        message: String(parsed.error.message),
        ...(typeof parsed.error.size === 'number' ? { size: parsed.error.size } : {}),
      };
    }
  } catch {
    // not JSON: reported below as it came
  }
  return { code: 'bad-response', message: body.slice(0, 300) };
}

/** 4xx refusals about the log itself will not change by retrying soon; anything else might. */
function failureFor(status: number, error: { code: string; message: string }): RequestFailure {
  const permanent = status === 400 || status === 403 || status === 404 || status === 409 || status === 422;
  return new RequestFailure(error.code, `HTTP ${status}: ${error.message}`, permanent ? 'refused' : 'retry');
}
