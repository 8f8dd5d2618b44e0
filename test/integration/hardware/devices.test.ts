import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probePort } from '../../../hardware/devices';
import { CardReaderSimulator } from '../../../hardware/sim/card-reader-sim';
import { buildCardSet, demoCardSetFile } from '../../../hardware/sim/card-set';
import { PrinterSimulator } from '../../../hardware/sim/printer-sim';
import { runCardReaderSimCommand, runPrinterSimCommand } from '../../../hardware/sim/sim-commands';
import { PtyPair } from '../../../hardware/sim/pty-pair';

describe("urna devices probe, and the simulators' stdin commands", () => {
  let dir: string;
  const pairs: PtyPair[] = [];
  let printerSim: PrinterSimulator;
  let readerSim: CardReaderSimulator;
  const cards = buildCardSet(demoCardSetFile());

  beforeAll(async () => {
    dir = PtyPair.tempDir();
    for (const name of ['printer', 'reader', 'nothing']) {
      const pair = new PtyPair(dir, name);
      await pair.open();
      pairs.push(pair);
    }
    printerSim = new PrinterSimulator({ path: pairs[0]?.devicePath ?? '' });
    readerSim = new CardReaderSimulator({ path: pairs[1]?.devicePath ?? '' });
    await printerSim.start();
    await readerSim.start();
  });

  afterAll(async () => {
    await printerSim.stop();
    await readerSim.stop();
    for (const pair of pairs) await pair.kill();
    PtyPair.removeDir(dir);
  });

  it('tells a printer, a card reader and a silent line apart, with their status', async () => {
    expect(await runPrinterSimCommand(printerSim, 'cover open')).toBe('cover open');
    expect(await runCardReaderSimCommand(readerSim, cards, 'insert-backwards voter')).toBe('inserted backwards: voter');
    expect(await probePort(pairs[0]?.hostPath ?? '', 300)).toEqual({
      path: pairs[0]?.hostPath,
      kind: 'printer',
      status: { state: 'cover-open' },
    });
    expect(await probePort(pairs[1]?.hostPath ?? '', 300)).toEqual({
      path: pairs[1]?.hostPath,
      kind: 'card-reader',
      status: { state: 'card-unreadable' },
    });
    expect(await probePort(pairs[2]?.hostPath ?? '', 200)).toMatchObject({ kind: 'unknown' });
    expect(printerSim.transcript()).toBe(''); // probing printed nothing
  });

  it('rejects malformed simulator commands with a usage line', async () => {
    expect(await runPrinterSimCommand(printerSim, 'paper lots')).toBe('usage: paper ok|near-end|out');
    expect(await runCardReaderSimCommand(readerSim, cards, 'insert nobody')).toBe('no card named nobody (try cards)');
    expect(await runCardReaderSimCommand(readerSim, cards, 'cards')).toContain('worker: pw-0001 poll-worker');
  });
});
