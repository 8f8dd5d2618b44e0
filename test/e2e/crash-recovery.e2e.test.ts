/**
 * Crash recovery, through the poll worker's screens: the station's
 * main-process service runs in a child process with the real printer driver on a
 * socat pty to a printer simulator that has gone silent, casts a ballot (the
 * ballot-pending entry is durable, the print hangs), and is killed with SIGKILL.
 * The station is then opened again from the same data folder; a poll worker signs
 * in with card and PIN, sees the pending ballot, and confirms it (or voids it). It
 * is counted at most once.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationId } from '../../core/ids';
import { MemoryEventLogger } from '../../main/logging';
import { startDemoDevices, type DemoDevices } from '../../main/station/demo-devices';
import { openStation, provisionStation, type OpenStation } from '../../main/station/open-station';
import { launchChromium } from '../support/chromium';
import { installSampleElection, SAMPLE_ELECTION } from '../support/election';
import { openBridgedRenderer, type BridgedPage } from '../support/test-bridge';
import { screenSettled } from '../support/wait-for';

const CHILD = path.resolve(import.meta.dirname, '../fixtures/station/crash-child.ts');
const SCREENS = path.resolve('artifacts/screens');
const WAIT = { timeout: 15_000 };

/**
 * Runs the child: once its commit has printed the receipt's first part, the printer
 * goes silent (it takes the bytes and never answers) and the child casts; once it
 * reports the pending ballot, it is killed with SIGKILL.
 */
function castThenKill(
  dataDir: string,
  printerPath: string,
  silencePrinter: () => void,
): Promise<{ ballotId: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, printerPath], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    let ballotId: string | undefined;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'COMMITTED') {
        silencePrinter();
        child.stdin.write('cast\n');
        return;
      }
      const match = /^PENDING (\S+)$/.exec(line);
      if (!match || ballotId) return;
      ballotId = match[1];
      child.kill('SIGKILL');
    });
    child.on('close', (code, signal) => {
      if (ballotId) resolve({ ballotId, signal });
      else reject(new Error(`the station child exited (${code ?? signal}) before a ballot was pending: ${stderr}`));
    });
  });
}

describe('a station killed between ballot-pending and ballot-cast', () => {
  let browser: Browser;
  let devices: DemoDevices;
  let dataDir: string;
  let station: OpenStation;
  let logger: MemoryEventLogger;
  let bridged: BridgedPage;
  let page: Page;
  let ballotId: string;

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    dataDir = mkdtempSync(path.join(tmpdir(), 'urna-crash-'));
    provisionStation(dataDir, { stationId: 'st-crash' as StationId, electionId: SAMPLE_ELECTION });
    installSampleElection(dataDir);
    devices = await startDemoDevices({ logger: new MemoryEventLogger() });
    // A hung printer after the commit: it takes the bytes and never answers, so the cast never completes.
    const killed = await castThenKill(dataDir, devices.config.printerPath ?? '', () => devices.printer.goSilent());
    expect(killed.signal).toBe('SIGKILL');
    ballotId = killed.ballotId;
    devices.printer.goSilent(false);

    logger = new MemoryEventLogger();
    station = openStation({ dataDir, mode: 'production', logger, devices: devices.config });
    browser = await launchChromium();
    bridged = await openBridgedRenderer(
      browser,
      { handlers: station.handlers, logger },
      { viewport: { width: 1280, height: 1000 } },
    );
    page = bridged.page;
  });

  afterAll(async () => {
    // The last scenario may already have closed the page.
    await bridged?.close().catch(() => undefined);
    await browser?.close();
    await station?.close();
    await devices?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  function castEntriesFor(id: string): number {
    return station.ledger
      .entries('ballots', 0, station.ledger.size('ballots'))
      .filter((e) => e.type === 'ballot-cast' && e['ballotId'] === id).length;
  }

  it('recovers the pending ballot from the ledger, uncounted', () => {
    const status = station.service.status();
    expect(status.pollsState).toBe('polls-open');
    expect(status.ballots.cast).toBe(0);
    expect(status.pendingBallots.map((p) => p.ballotId)).toEqual([ballotId]);
    expect(logger.events.some((e) => e.eventId === 'station.pending-ballots-recovered')).toBe(true);
  });

  it('shows it to the signed-in poll worker, who confirms it: counted once', async () => {
    const worker = devices.cards.cards.get('worker');
    if (!worker) throw new Error('no worker card');
    devices.cardReader.insert(worker);
    await page.getByTestId('pin-input').waitFor(WAIT);
    await page.getByTestId('pin-input').fill('1234');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('signed-in').waitFor(WAIT);
    await page.getByTestId('tab-recovery').click();
    const item = page.locator(`[data-testid="pending-ballot"][data-ballot-id="${ballotId}"]`);
    await item.waitFor(WAIT);
    for (const language of ['ru', 'en'] as const) {
      // The desk's own language switch: the voter's setting does not move the desk.
      await page.getByTestId(`desk-language-${language}`).click();
      await page.locator(`html[lang="${language}"]`).waitFor(WAIT);
      await screenSettled(page);
      await page.screenshot({ path: path.join(SCREENS, `pw-20-pending-after-crash-${language}.png`), fullPage: true });
    }
    await item.getByTestId('confirm-pending').click();
    await page.getByTestId('no-pending').waitFor(WAIT);

    const status = station.service.status();
    expect(status.ballots.cast).toBe(1);
    expect(status.pendingBallots).toEqual([]);
    expect(castEntriesFor(ballotId)).toBe(1);
    expect(logger.events.find((e) => e.eventId === 'ballot.pending-resolved')?.fields).toMatchObject({
      cardId: 'pw-0001',
      resolution: 'cast',
      outcome: 'success',
    });

    // A second decision on the same ballot is refused: it cannot be counted twice.
    const again = await page.evaluate(
      (id) => window.urna.resolvePendingBallot({ ballotId: id, outcome: 'cast' }),
      ballotId,
    );
    expect(again).toMatchObject({ ok: false, error: { code: 'wrong-state', message: 'not-pending' } });
    const voided = await page.evaluate(
      (id) => window.urna.resolvePendingBallot({ ballotId: id, outcome: 'void', reason: 'not-printed' }),
      ballotId,
    );
    expect(voided).toMatchObject({ ok: false, error: { code: 'wrong-state', message: 'not-pending' } });
    expect(castEntriesFor(ballotId)).toBe(1);
    expect(
      station.ledger.entries('ballots', 0, station.ledger.size('ballots')).filter((e) => e.type === 'ballot-voided'),
    ).toEqual([]);
  });

  it('after a restart, the ballot is still counted exactly once', async () => {
    await bridged.close();
    await station.close();
    station = openStation({ dataDir, mode: 'production', logger: new MemoryEventLogger(), devices: devices.config });
    expect(station.service.status().ballots.cast).toBe(1);
    expect(station.service.status().pendingBallots).toEqual([]);
    expect(castEntriesFor(ballotId)).toBe(1);
  });
});
