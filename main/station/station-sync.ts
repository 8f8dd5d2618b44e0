/**
 * The station's link to the validators named in its election package. Sync is
 * opportunistic: voting never waits for it. It starts once an election is loaded
 * (at open, or when a poll worker loads the package in setup) and runs until the
 * station closes; the poll-worker screens read its state through `syncView`.
 * Entries go out in batches (sync-batching.ts), never one by one as they are appended.
 */
import type { SyncView } from '../../core/api/station-api';
import type { EventLogger } from '../../core/logging';
import type { LoadedElection } from '../election/election-store';
import { DEFAULT_SYNC_BATCH_POLICY, type SyncBatchPolicy } from '../sync/sync-batching';
import { SyncClient, validatorsOf, type SyncSource } from '../sync/sync-client';
import { SyncClientStatus, syncNotConfigured, type SyncStatusSource } from './sync-status';

export type StationSyncOptions = {
  readonly dataDir: string;
  readonly source: SyncSource;
  readonly logger: EventLogger;
  /** Where each validator is reached, when not at the URL the package names (tests, a local relay). */
  readonly urls?: Readonly<Record<string, string>>;
  /** How often idle loops look for new entries. */
  readonly pollMs?: number;
  /** When entries go out in batches; DEFAULT_SYNC_BATCH_POLICY unless given (`urna simulate` uses a small one). */
  readonly batching?: SyncBatchPolicy;
};

export class StationSync implements SyncStatusSource {
  private client: SyncClient | null = null;
  private adapter: SyncClientStatus | null = null;

  constructor(private readonly options: StationSyncOptions) {}

  /** Starts pushing to the package's validators; a second call for the same station does nothing. */
  start(loaded: LoadedElection): void {
    if (this.client) return;
    const { definition } = loaded;
    this.client = new SyncClient({
      source: this.options.source,
      validators: validatorsOf(definition, this.options.urls),
      threshold: definition.validators.threshold,
      dataDir: this.options.dataDir,
      logger: this.options.logger,
      pollMs: this.options.pollMs,
      // Never per entry: a validator that saw each entry arrive could pair check-ins with ballots by time.
      batching: this.options.batching ?? DEFAULT_SYNC_BATCH_POLICY,
    });
    this.adapter = new SyncClientStatus(this.client);
    this.client.start();
  }

  syncView(): SyncView {
    return (this.adapter ?? syncNotConfigured).syncView();
  }

  async stop(): Promise<void> {
    this.adapter?.stop();
    await this.client?.stop();
    this.client = null;
  }
}
