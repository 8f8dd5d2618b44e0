/**
 * The station's link to the validators named in its election package. Sync is
 * opportunistic: voting never waits for it. It starts once an election is loaded
 * (at open, or when a poll worker loads the package in setup) and runs until the
 * station closes; the poll-worker screens read its state through `syncView`.
 */
import type { SyncView } from '../../core/api/station-api';
import type { EventLogger } from '../../core/logging';
import type { LoadedElection } from '../election/election-store';
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
