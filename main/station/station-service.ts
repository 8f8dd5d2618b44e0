/**
 * The station service: the main-process owner of the station's state. The
 * renderer only ever sees what `status()` returns; the station key, the
 * ledger and the devices stay here.
 */
import type { DeviceStatus, DisplaySettings, PollsState, StationStatus } from '../../core/api/station-api';
import type { LogKind } from '../../core/ids';
import type { EventLogger } from '../../core/logging';

/** What the status screen needs of the ledger: how long each log is. */
export interface LedgerSizes {
  size(log: LogKind): number;
}

/** Any device driver, reduced to what the poll worker is shown. */
export interface DeviceStatusSource {
  status(): DeviceStatus;
}

/** A device slot with nothing configured: shown honestly as such. */
export const notConfiguredDevice: DeviceStatusSource = {
  status: () => ({ state: 'not-configured', ready: false, port: null }),
};

export type StationServiceDeps = {
  readonly stationId: string;
  readonly mode: 'demo' | 'production';
  readonly ledger: LedgerSizes;
  readonly printer: DeviceStatusSource;
  readonly cardReader: DeviceStatusSource;
  readonly logger: EventLogger;
};

export const DEFAULT_DISPLAY: DisplaySettings = { language: 'ru', textSize: 1, highContrast: false };

export class StationService {
  private display: DisplaySettings = DEFAULT_DISPLAY;
  private readonly pollsState: PollsState = 'setup';

  constructor(private readonly deps: StationServiceDeps) {}

  status(): StationStatus {
    return {
      stationId: this.deps.stationId,
      mode: this.deps.mode,
      electionBaseHash: null,
      pollsState: this.pollsState,
      printer: this.deps.printer.status(),
      cardReader: this.deps.cardReader.status(),
      ledger: {
        ballots: { size: this.deps.ledger.size('ballots') },
        pollbook: { size: this.deps.ledger.size('pollbook') },
      },
      display: this.display,
    };
  }

  setDisplaySettings(change: Partial<DisplaySettings>): DisplaySettings {
    const next: DisplaySettings = { ...this.display, ...definedOnly(change) };
    if (next.language !== this.display.language || next.textSize !== this.display.textSize || next.highContrast !== this.display.highContrast) {
      this.deps.logger.log('display.settings-changed', { from: this.display, to: next });
      this.display = next;
    }
    return this.display;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
