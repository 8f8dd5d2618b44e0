import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../../hardware/logger';
import { printerMessage } from '../../../core/i18n/hardware';
import { ReceiptPrinter } from '../../../hardware/printer/receipt-printer';
import type { PrintDocument } from '../../../hardware/printer/document';
import type { PrinterState, PrinterStatus } from '../../../hardware/printer/status';
import { PrinterSimulator } from '../../../hardware/sim/printer-sim';
import { PtyPair } from '../../../hardware/sim/pty-pair';

const ARTIFACTS = join(process.cwd(), 'artifacts', 'hardware', 'bilingual-receipt');

const bilingualReceipt: PrintDocument = {
  blocks: [
    { kind: 'text', text: 'ИЗБИРАТЕЛЬНЫЙ УЧАСТОК № 1234', bold: true, align: 'center' },
    { kind: 'text', text: 'POLLING STATION No 1234', align: 'center' },
    { kind: 'text', text: 'Ваш бюллетень принят', width: 2, height: 2, align: 'center' },
    { kind: 'text', text: 'Your ballot was cast', width: 2, height: 2, align: 'center' },
    { kind: 'feed', lines: 1 },
    { kind: 'text', text: 'Код подтверждения / Confirmation code:' },
    { kind: 'text', text: 'K7QF-2M9X-ЁЖЩЫ', bold: true, width: 2 },
    { kind: 'qr', data: 'urna:confirmation:K7QF2M9X0a1b2c3d4e5f', moduleSize: 6, errorCorrection: 'M' },
    { kind: 'text', text: 'Проверьте код на сайте / Check the code online', align: 'center' },
  ],
  cut: 'partial',
};

const simpleReceipt: PrintDocument = { blocks: [{ kind: 'text', text: 'Проба / test' }] };

describe('ESC/POS receipt printer over a real pty, against the simulator', () => {
  let dir: string;
  let pair: PtyPair;
  let sim: PrinterSimulator;
  let printer: ReceiptPrinter;
  let logger: MemoryLogger;

  beforeAll(() => {
    dir = PtyPair.tempDir();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(() => PtyPair.removeDir(dir));

  beforeEach(async () => {
    pair = new PtyPair(dir, 'printer');
    await pair.open();
    sim = new PrinterSimulator({ path: pair.devicePath });
    await sim.start();
    logger = new MemoryLogger();
    printer = new ReceiptPrinter({
      path: pair.hostPath,
      logger,
      pollIntervalMs: 150,
      responseTimeoutMs: 1000,
      reconnectDelayMs: { initial: 50, max: 300 },
    });
    printer.start();
    expect(await printer.waitForStatus((s) => s.state === 'ready', 3000)).toEqual({ state: 'ready' });
  });

  afterEach(async () => {
    await printer.stop();
    await sim.stop();
    await pair.kill();
  });

  const waitFor = (state: PrinterState, timeoutMs = 2000): Promise<PrinterStatus | undefined> =>
    printer.waitForStatus((s) => s.state === state, timeoutMs);

  it('prints a bilingual receipt with a QR code, confirmed by the printer, and renders it', async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    sim.setRenderDir(ARTIFACTS);
    const result = await printer.print(bilingualReceipt, { timeoutMs: 5000 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.status).toEqual({ state: 'ready' });

    const transcript = sim.transcript();
    expect(transcript.split('\n')).toEqual([
      'ИЗБИРАТЕЛЬНЫЙ УЧАСТОК № 1234',
      'POLLING STATION No 1234',
      'Ваш бюллетень принят',
      'Your ballot was cast',
      '',
      'Код подтверждения / Confirmation code:',
      'K7QF-2M9X-ЁЖЩЫ',
      '[QR M: urna:confirmation:K7QF2M9X0a1b2c3d4e5f]',
      'Проверьте код на сайте / Check the code online',
      '--- partial cut ---',
    ]);
    const bold = sim.model.printed.find(
      (line) => line.kind === 'text' && line.segments[0]?.text.startsWith('ИЗБИРАТЕЛЬНЫЙ'),
    );
    expect(bold?.kind === 'text' && bold.segments[0]?.bold).toBe(true);
    const big = sim.model.printed.find(
      (line) => line.kind === 'text' && line.segments[0]?.text === 'Your ballot was cast',
    );
    expect(big?.kind === 'text' && big.segments[0]).toMatchObject({ width: 2, height: 2 });

    await sim.flushRenders();
    const png = join(ARTIFACTS, 'receipt-0001.png');
    expect(existsSync(png)).toBe(true);
    expect(readFileSync(png).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(readFileSync(join(ARTIFACTS, 'receipt-0001.txt'), 'utf8')).toContain('ИЗБИРАТЕЛЬНЫЙ УЧАСТОК № 1234');
    // Whether it printed is the caller's to log (as the ballot's or the report's); the driver logs device facts only.
    expect(logger.lines.filter((line) => line.eventId.startsWith('printer.print'))).toEqual([]);
  });

  it('prints while the paper is nearly out, and reports the warning', async () => {
    sim.setPaper('near-end');
    expect(await waitFor('paper-near-end')).toEqual({ state: 'paper-near-end' });
    const result = await printer.print(simpleReceipt, { timeoutMs: 3000 });
    expect(result.ok && result.value.status.state).toBe('paper-near-end');
  });

  const faults: { name: string; cause: () => void; clear: () => void; expected: PrinterStatus }[] = [
    {
      name: 'paper out',
      cause: () => sim.setPaper('out'),
      clear: () => sim.setPaper('ok'),
      expected: { state: 'paper-out' },
    },
    {
      name: 'cover open',
      cause: () => sim.setCoverOpen(true),
      clear: () => sim.setCoverOpen(false),
      expected: { state: 'cover-open' },
    },
    {
      name: 'cutter jam',
      cause: () => sim.jamCutter(),
      clear: () => sim.clearCutter(),
      expected: { state: 'cutter-error' },
    },
    {
      name: 'mechanical error',
      cause: () => sim.setMechanicalError(true),
      clear: () => sim.setMechanicalError(false),
      expected: { state: 'head-or-mechanical-error', fault: 'mechanical' },
    },
    {
      name: 'head overheated',
      cause: () => sim.setHeadOverheated(true),
      clear: () => sim.setHeadOverheated(false),
      expected: { state: 'head-overheated' },
    },
    {
      name: 'offline',
      cause: () => sim.setOfflineSwitch(true),
      clear: () => sim.setOfflineSwitch(false),
      expected: { state: 'offline' },
    },
  ];

  for (const fault of faults) {
    it(`${fault.name}: reported once, refuses to print, and recovers to ready`, async () => {
      fault.cause();
      expect(await waitFor(fault.expected.state)).toEqual(fault.expected);
      expect(printerMessage('en', fault.expected.state)).not.toBe(printerMessage('ru', fault.expected.state));

      const result = await printer.print(simpleReceipt, { timeoutMs: 3000 });
      expect(result).toEqual({ ok: false, error: { kind: 'not-ready', status: fault.expected } });
      expect(sim.transcript()).toBe('');

      fault.clear();
      expect(await waitFor('ready')).toEqual({ state: 'ready' });
      const changes = logger
        .events('printer.status-changed')
        .map((fields) => `${String(fields.from)}>${String(fields.to)}`);
      expect(changes).toEqual(['disconnected>ready', `ready>${fault.expected.state}`, `${fault.expected.state}>ready`]);
    });
  }

  it('paper running out in the middle of a receipt fails the job, and the rest never prints later', async () => {
    sim.runOutAfterLines(3);
    const result = await printer.print(bilingualReceipt, { timeoutMs: 4000 });
    expect(result).toEqual({ ok: false, error: { kind: 'print-failed', status: { state: 'paper-out' } } });
    expect(sim.transcript().split('\n')).toHaveLength(3);
    sim.setPaper('ok');
    expect(await waitFor('ready')).toEqual({ state: 'ready' });
    expect(sim.transcript().split('\n')).toHaveLength(3);
    expect(sim.model.bufferedCommands).toBe(0);
  });

  it('a cutter that jams on the cut fails the job with cutter-error', async () => {
    sim.jamCutter({ onNextCut: true });
    const result = await printer.print(simpleReceipt, { timeoutMs: 4000 });
    expect(result).toEqual({ ok: false, error: { kind: 'print-failed', status: { state: 'cutter-error' } } });
    expect(sim.receiptsCut).toBe(0);
  });

  it('a printer that goes silent is disconnected, and comes back by itself', async () => {
    sim.goSilent();
    expect(await waitFor('disconnected')).toMatchObject({ state: 'disconnected', reason: 'not-responding' });
    const started = Date.now();
    const result = await printer.print(simpleReceipt, { timeoutMs: 1000 });
    expect(result.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(1500); // bounded by the caller's timeout, not a speed check
    sim.goSilent(false);
    expect(await waitFor('ready', 4000)).toEqual({ state: 'ready' });
  });

  it('a killed device is reported disconnected within 2 s, and a new one on the same path brings it back to ready', async () => {
    await sim.stop();
    await pair.kill();
    expect(await waitFor('disconnected', 2000)).toMatchObject({ state: 'disconnected' });

    const offline = await printer.print(simpleReceipt, { timeoutMs: 500 });
    expect(offline.ok === false && offline.error.kind).toBe('not-ready');

    await pair.open();
    sim = new PrinterSimulator({ path: pair.devicePath });
    await sim.start();
    expect(await waitFor('ready', 5000)).toEqual({ state: 'ready' });
    const result = await printer.print(simpleReceipt, { timeoutMs: 3000 });
    expect(result.ok).toBe(true);
    expect(sim.transcript()).toContain('Проба / test');
    expect(logger.events('printer.port-lost').length).toBeGreaterThanOrEqual(1);
  });
});
