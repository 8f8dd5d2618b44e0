/**
 * The station's disk fills up while a voter casts: `ballot-pending` is written, the
 * paper record and receipt print, and then `ballot-cast` cannot be written. The data
 * folder is on a real 16 MB tmpfs filled by a ballast file (mount needs root or
 * CAP_SYS_ADMIN; the test is skipped where mount is refused), the event log has a
 * fallback file on another disk, and the station retries every 200 ms.
 *
 *   disk full after the paper printed → the voter is told the ballot waits for a
 *   poll worker, the poll worker is told the storage is full (not a print failure,
 *   no reprint offered) → the events reach stderr and the fallback file → the log
 *   verifies → the ballast is deleted → the ballot is recorded as cast by the retry,
 *   the voter finishes, the log verifies and holds pending + cast for the ballot.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { BallotMarks } from '../../../core/api/ballot';
import type { PrinterFault } from '../../../hardware/printer/printer';
import type { PrintDocument } from '../../../hardware/printer/document';
import type { Result } from '../../../core/result';
import type { StationId } from '../../../core/ids';
import { SAMPLE_VOTER_IDS } from '../../../core/election/sample';
import { LedgerStore, describeLedgerError } from '../../../main/ledger/store';
import { FileEventLogger } from '../../../main/logging';
import { openStation, provisionStation } from '../../../main/station/open-station';
import { installSampleElection, SAMPLE_ELECTION } from '../../support/election';
import { MemoryPrinter } from '../../support/memory-printer';
import { waitFor } from '../../support/wait-for';
import { castBallot, commitBallot, finishVoterSession } from '../../../main/station/casting';
import { checkInVoter } from '../../../main/station/check-in';
import { openPolls } from '../../../main/station/polls';
import { reprintInterrupted } from '../../../main/station/printing';

const WORKER = { cardId: 'pw-0001', role: 'poll-worker' as const };
const MARKS: BallotMarks = {
  selections: { 'charter-amendment': ['charter-yes'], 'council-district-1': ['bogdanov-ilya'] },
  writeIns: {},
};
const RETRY_MS = 200;

const scratch = mkdtempSync(path.join(tmpdir(), 'urna-full-disk-cast-'));
const disk = path.join(scratch, 'disk');
mkdirSync(disk);
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', disk], { stdio: 'ignore' }).status === 0;
afterAll(() => {
  if (mounted) spawnSync('umount', [disk], { stdio: 'ignore' });
  rmSync(scratch, { recursive: true, force: true });
});

/** The in-memory printer, which runs `beforeNextPrint` once just before its next printout. */
class PrinterWithHook extends MemoryPrinter {
  beforeNextPrint: (() => void) | null = null;
  override print(receipt: PrintDocument): Promise<Result<{ readonly jobId: string }, PrinterFault>> {
    const hook = this.beforeNextPrint;
    this.beforeNextPrint = null;
    hook?.();
    return super.print(receipt);
  }
}

/** Writes a ballast file until the disk refuses with ENOSPC, smaller and smaller chunks to the last byte. */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0x55);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}

function verifiedLedger(dataDir: string): { ballots: string[] } {
  const reader = LedgerStore.openForReading({ directory: path.join(dataDir, 'ledger') });
  if (!reader.ok) throw new Error(`the ledger does not verify: ${describeLedgerError(reader.error)}`);
  try {
    const size = reader.value.size('ballots');
    return { ballots: reader.value.entries('ballots', 0, size).map((e) => e.type) };
  } finally {
    reader.value.close();
  }
}

describe.skipIf(!mounted)('a full disk between the printouts and ballot-cast', () => {
  it('shows the storage message to voter and poll worker, retries, and records the ballot once space is freed; the log verifies throughout', async () => {
    const dataDir = path.join(disk, 'station');
    provisionStation(dataDir, {
      stationId: 'st-full-disk' as StationId,
      electionId: SAMPLE_ELECTION,
      precinctId: 'uik-1202',
    });
    installSampleElection(dataDir);
    const fallbackFile = path.join(scratch, 'fallback', 'events.jsonl');
    const logger = new FileEventLogger({ file: path.join(dataDir, 'logs', 'events.jsonl'), fallbackFile });
    const printer = new PrinterWithHook();
    const station = openStation({
      dataDir,
      mode: 'production',
      logger,
      ballotPrinter: printer,
      recordingRetryMs: RETRY_MS,
    });
    const stderr = vi.spyOn(process.stderr, 'write');
    try {
      expect((await openPolls(station.context, WORKER)).ok).toBe(true);
      expect(
        checkInVoter(station.context, WORKER, { voterId: SAMPLE_VOTER_IDS['uik-1202'][0] ?? '', activation: 'kiosk' })
          .outcome,
      ).toBe('checked-in');
      expect((await commitBallot(station.context, { marks: MARKS, undervoteAcknowledged: true })).ok).toBe(true);
      const printedBefore = printer.printed.length;

      // The disk fills up while the printouts of this ballot come out.
      const ballast = path.join(disk, 'ballast');
      printer.beforeNextPrint = () => fillDisk(ballast);
      const cast = castBallot(station.context);
      expect(cast.ok).toBe(true);
      await station.service.whenPrintingDone();

      // The paper printed: nothing about the printer is wrong.
      expect(printer.printed.length).toBeGreaterThan(printedBefore);
      expect(printer.state()).toBe('ready');
      const voter = station.service.voterScreen().session;
      expect(voter).toMatchObject({ phase: 'recording-failed', cause: 'storage-full', retryEveryMs: RETRY_MS });
      const status = station.service.status();
      expect(status.voterSession).toBe('recording-failed');
      expect(status.recordingFailed).toEqual({
        cause: 'storage-full',
        shortCode: voter.phase === 'recording-failed' ? voter.code.short : '',
        retryEveryMs: RETRY_MS,
      });
      // Not a printer fault: no interrupted printout, and a reprint is refused.
      expect(status.interruptedPrint).toBeNull();
      expect(status.pendingBallots).toHaveLength(1);
      expect((await reprintInterrupted(station.context, WORKER)).ok).toBe(false);

      // The station keeps trying; the event log's disk is full too, so the events go to stderr and the fallback.
      await waitFor(
        () => existsSync(fallbackFile) && readFileSync(fallbackFile, 'utf8').includes('"ledger.append-failed"'),
        { what: 'a failed append in the fallback event log', timeout: 10_000 },
      );
      const exported = logger
        .exportLines()
        .map((l) => JSON.parse(l) as { event: string; cause?: string; reason?: string });
      expect(exported.find((e) => e.event === 'ballot.cast-not-recorded')).toMatchObject({ cause: 'storage-full' });
      expect(
        exported.filter((e) => e.event === 'ledger.append-failed').every((e) => /disk is full/.test(e.reason ?? '')),
      ).toBe(true);
      expect(stderr.mock.calls.some(([chunk]) => String(chunk).includes('ledger.append-failed'))).toBe(true);
      expect(verifiedLedger(dataDir).ballots.slice(-2)).toEqual(['polls-opened', 'ballot-pending']);
      expect(station.service.voterScreen().session.phase).toBe('recording-failed');

      // Space is freed: the next retry records the ballot as cast.
      rmSync(ballast);
      await waitFor(() => station.service.voterScreen().session.phase === 'cast', {
        what: 'the ballot recorded as cast',
        timeout: 10_000,
        state: () => station.service.voterScreen().session,
      });
      expect(station.service.status()).toMatchObject({
        recordingFailed: null,
        pendingBallots: [],
        ballots: { cast: 1 },
      });
      expect(finishVoterSession(station.context).ok).toBe(true);
      expect(verifiedLedger(dataDir).ballots.slice(-3)).toEqual(['polls-opened', 'ballot-pending', 'ballot-cast']);
      const events = logger.exportLines().map((l) => JSON.parse(l) as { event: string; to?: string });
      expect(events.some((e) => e.event === 'ballot.cast')).toBe(true);
      expect(events.filter((e) => e.event === 'voter.session-transition').map((e) => e.to)).toEqual(
        expect.arrayContaining(['printing', 'recording-failed', 'cast', 'none']),
      );
    } finally {
      stderr.mockRestore();
      await station.close();
    }
  });
});
