/**
 * Sync state per validator, as the poll-worker screens show it: how far each
 * validator has cosigned each log, how far behind it is, and when it was last
 * reached. The station reads it through `SyncStatusSource`; without a sync client
 * the screens say "not configured" rather than pretend.
 */
import type { SyncView, ValidatorSyncView } from '../../core/api/station-api';
import { LOG_KINDS, type LogKind } from '../../core/ids';
import type { SyncStatus } from '../sync/sync-client';

export interface SyncStatusSource {
  syncView(): SyncView;
}

export const syncNotConfigured: SyncStatusSource = { syncView: () => ({ configured: false }) };

/** What the adapter needs of main/sync's client. */
export interface SyncStatusProvider {
  status(): SyncStatus;
  onStatus(listener: (status: SyncStatus) => void): () => void;
}

/**
 * Adapts the sync client. The client reports progress, not times, so the adapter
 * notes the wall-clock time whenever a validator's acknowledged or cosigned size
 * grows, or it answers again after failures: that is when it was last reached.
 */
export class SyncClientStatus implements SyncStatusSource {
  private readonly lastReached = new Map<string, string>();
  private readonly previous = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly client: SyncStatusProvider,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.unsubscribe = client.onStatus((status) => this.observe(status));
  }

  stop(): void {
    this.unsubscribe();
  }

  private observe(status: SyncStatus): void {
    for (const v of status.validators) {
      const fingerprint = JSON.stringify([v.acked, v.cosigned]);
      const progressed = this.previous.get(v.name) !== fingerprint;
      this.previous.set(v.name, fingerprint);
      if (
        (progressed && v.consecutiveFailures === 0) ||
        (v.state === 'idle' && v.consecutiveFailures === 0 && v.lastError === undefined)
      ) {
        this.lastReached.set(v.name, this.now().toISOString());
      }
    }
  }

  syncView(): SyncView {
    const status = this.client.status();
    const localSize = (log: LogKind) => status.logs.find((l) => l.log === log)?.localSize ?? 0;
    const validators: ValidatorSyncView[] = status.validators.map((v) => {
      const behind = Object.fromEntries(
        LOG_KINDS.map((log) => [log, Math.max(0, localSize(log) - v.cosigned[log])]),
      ) as Record<LogKind, number>;
      return {
        name: v.name,
        state: v.state,
        cosigned: { ...v.cosigned },
        behind,
        lastReachedAt: this.lastReached.get(v.name) ?? null,
      };
    });
    return { configured: true, threshold: status.threshold, validators, heldForBatch: status.waitingForBatch };
  }
}
