/**
 * A real station in a temporary folder: identity, signed ledger, station
 * service and the API handler table, exactly as Electron's main opens them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ElectionId, LogKind, StationId } from '../../core/ids';
import { MemoryEventLogger } from '../../main/logging';
import { openStation, provisionStation, type OpenStation } from '../../main/station/open-station';
import type { StationDevicesConfig } from '../../main/station/devices';

export type TestStation = Omit<OpenStation, 'close'> & {
  readonly dataDir: string;
  readonly logger: MemoryEventLogger;
  /** Appends synthetic `demo-note` entries through the real, signed append path. */
  appendDemoEntries(log: LogKind, count: number): void;
  close(): Promise<void>;
};

export function startTestStation(options: {
  readonly stationId: string;
  readonly electionId?: string;
  readonly devices?: StationDevicesConfig;
}): TestStation {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'urna-station-'));
  provisionStation(dataDir, { stationId: options.stationId as StationId, electionId: (options.electionId ?? 'test-election') as ElectionId });
  const logger = new MemoryEventLogger();
  const station = openStation({ dataDir, mode: 'production', logger, devices: options.devices });
  let seq = 0;
  return {
    ...station,
    dataDir,
    logger,
    appendDemoEntries(log, count) {
      for (let i = 0; i < count; i++) {
        const receipt = station.ledger.append(log, { type: 'demo-note', v: 1, seq: seq++, text: `synthetic entry ${seq}` });
        if (!receipt.ok) throw new Error(`append failed: ${JSON.stringify(receipt.error)}`);
      }
    },
    close: async () => {
      await station.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
