import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ElectionId, StationId } from '../../../core/ids';
import { stationKeyName } from '../../../core/ledger/checkpoint';
import type { LedgerEntry } from '../../../core/ledger/entries';
import { LedgerStore, describeLedgerError, type LedgerStoreOptions } from '../../../main/ledger/store';
import { loadOrProvisionStationIdentity, type StationSigner } from '../../../main/station/identity';

export const ELECTION = 'e2026' as ElectionId;
export const STATION = 'st-042' as StationId;

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `urna-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function stationSigner(dir: string): StationSigner {
  const signer = loadOrProvisionStationIdentity(path.join(dir, 'station.key'), stationKeyName(ELECTION, STATION));
  if (!signer.ok) throw new Error(`identity: ${signer.error.kind}`);
  return signer.value;
}

export function openStore(dir: string, extra: Partial<LedgerStoreOptions> = {}): LedgerStore {
  const store = LedgerStore.open({
    directory: dir,
    electionId: ELECTION,
    stationId: STATION,
    signer: stationSigner(dir),
    ...extra,
  });
  if (!store.ok) throw new Error(describeLedgerError(store.error));
  return store.value;
}

export function demoEntry(seq: number, text = `note ${seq}`): LedgerEntry {
  return { type: 'demo-note', v: 1, seq, text };
}
