import { describe, expect, it } from 'vitest';
import * as apdu from '../../../hardware/card-reader/apdu';
import { CardReader } from '../../../hardware/card-reader/card-reader';
import { encodeFrame, FrameParser, FrameType, MAX_PAYLOAD } from '../../../hardware/card-reader/framing';
import { MemoryLogger } from '../../../hardware/logger';
import { encodeReceipt } from '../../../hardware/printer/receipt';
import { ReceiptPrinter } from '../../../hardware/printer/receipt-printer';
import { PrinterResponseParser } from '../../../hardware/printer/response-parser';
import { encodeAutomaticStatus, encodeRealtimeStatus } from '../../../hardware/printer/status';
import type { PrinterCondition } from '../../../hardware/printer/status';
import { CardReaderModel } from '../../../hardware/sim/card-reader-model';
import { CardReaderSimulator } from '../../../hardware/sim/card-reader-sim';
import { buildCardSet, demoCardSetFile } from '../../../hardware/sim/card-set';
import { EscPosParser } from '../../../hardware/sim/escpos-parser';
import { EscPosPrinterModel } from '../../../hardware/sim/printer-model';
import { PrinterSimulator } from '../../../hardware/sim/printer-sim';
import { PtyPair } from '../../../hardware/sim/pty-pair';

/** A small seeded generator (xorshift32), so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  return {
    int: (max: number): number => next() % max,
    bytes: (length: number): Uint8Array => Uint8Array.from({ length }, () => next() & 0xff),
  };
}

const FRAMES = 100_000;
const quiet: PrinterCondition = {
  offline: false,
  coverOpen: false,
  feedButtonPressed: false,
  stoppedByPaperEnd: false,
  errorOccurred: false,
  mechanicalError: false,
  autocutterError: false,
  unrecoverableError: false,
  autoRecoverableError: false,
  paperNearEnd: false,
  paperOut: false,
};

describe('fuzz: parsers never throw, never grow without bound, and resynchronise', () => {
  it(`printer → host parser: ${FRAMES} random, truncated and valid answers`, () => {
    const rng = random(0xc0ffee);
    const parser = new PrinterResponseParser();
    const status = encodeRealtimeStatus(quiet);
    let validSent = 0;
    let validSeen = 0;
    for (let i = 0; i < FRAMES; i++) {
      const kind = rng.int(4);
      const frame =
        kind === 0
          ? rng.bytes(1 + rng.int(16))
          : kind === 1
            ? Uint8Array.from(encodeAutomaticStatus(quiet)).slice(0, 1 + rng.int(3)) // truncated ASB
            : kind === 2
              ? Uint8Array.of(0x37, 0x22, 0x41, 0x42).slice(0, 1 + rng.int(4)) // truncated process id
              : Uint8Array.of(status.printer);
      const responses = parser.push(frame);
      if (kind === 3) validSent++;
      validSeen += responses.filter((r) => r.kind === 'realtime-status').length;
    }
    // After noise, a clean answer still comes through.
    parser.push(Uint8Array.of(0x00));
    expect(parser.push(Uint8Array.of(0x37, 0x22, 0x30, 0x30, 0x30, 0x31, 0x00))).toEqual([
      { kind: 'process-id', id: '0001' },
    ]);
    expect(validSeen).toBeGreaterThanOrEqual(validSent * 0.5);
  });

  it(`host → printer ESC/POS parser and printer model: ${FRAMES} random and truncated commands`, () => {
    const rng = random(0xbadc0de);
    const model = new EscPosPrinterModel();
    const parser = new EscPosParser();
    const receipt = encodeReceipt({
      blocks: [
        { kind: 'text', text: 'Бюллетень / ballot' },
        { kind: 'qr', data: 'urna:fuzz' },
      ],
    });
    if (!receipt.ok) throw new Error('receipt');
    for (let i = 0; i < FRAMES; i++) {
      const frame =
        rng.int(3) === 0
          ? receipt.value.bytes.slice(0, rng.int(receipt.value.bytes.length))
          : rng.bytes(1 + rng.int(24));
      parser.push(frame);
      model.receive(frame);
      expect(parser.pendingBytes).toBeLessThanOrEqual(7108 + 24);
    }
    // The printer still answers a status request after the noise (a real-time command is parsed once pending bytes are consumed).
    model.receive(new Uint8Array(8000));
    const answer = model.receive(Uint8Array.of(0x10, 0x04, 0x01));
    expect(answer.length).toBe(1);
  });

  it(`card reader frame parser: ${FRAMES} random, truncated, corrupted and valid frames`, () => {
    const rng = random(0x5eed);
    const parser = new FrameParser();
    let validSent = 0;
    let validSeen = 0;
    for (let i = 0; i < FRAMES; i++) {
      const valid = encodeFrame({ seq: 1 + rng.int(255), type: FrameType.response, payload: rng.bytes(rng.int(40)) });
      const kind = rng.int(4);
      const frame =
        kind === 0
          ? rng.bytes(1 + rng.int(32))
          : kind === 1
            ? valid.slice(0, rng.int(valid.length)) // truncated
            : kind === 2
              ? valid.map((byte, index) => (index === 5 ? byte ^ 0x40 : byte)) // corrupted
              : valid;
      if (kind === 3) validSent++;
      validSeen += parser.push(frame).length;
    }
    expect(validSent).toBeGreaterThan(20_000);
    // A truncated frame can hide the next one until its length runs out; after that the parser resynchronises.
    expect(validSeen).toBeGreaterThan(validSent * 0.9);
    parser.push(new Uint8Array(MAX_PAYLOAD + 8));
    expect(parser.push(encodeFrame({ seq: 9, type: FrameType.status, payload: Uint8Array.of(0) }))).toHaveLength(1);
  });

  it(`card reader model and cards: ${FRAMES / 4} random frames and APDUs`, () => {
    const rng = random(0xfeed);
    const cards = buildCardSet(demoCardSetFile());
    const model = new CardReaderModel();
    const worker = cards.cards.get('worker');
    if (!worker) throw new Error('card');
    model.insert(worker);
    for (let i = 0; i < FRAMES / 4; i++) {
      const apduBytes =
        rng.int(2) === 0
          ? rng.bytes(rng.int(300))
          : apdu.encodeCommand({
              cla: 0,
              ins: rng.int(256),
              p1: rng.int(256),
              p2: rng.int(256),
              data: rng.bytes(rng.int(40)),
            });
      const frame =
        rng.int(3) === 0
          ? rng.bytes(rng.int(64))
          : encodeFrame({ seq: 1 + rng.int(255), type: 0x10 + rng.int(4), payload: apduBytes });
      model.receive(frame);
    }
    // Random VERIFY commands may have locked the worker's PIN, but the reader still answers.
    const reply = new FrameParser().push(
      model.receive(encodeFrame({ seq: 7, type: FrameType.getStatus, payload: new Uint8Array(0) })),
    );
    expect(reply.at(-1)?.type).toBe(FrameType.status);
  });
});

describe('fuzz: floods from a device over a real pty never crash or wedge the drivers', () => {
  it('printer driver: 20,000 noise frames, then ready and printing again', async () => {
    const dir = PtyPair.tempDir();
    const pair = new PtyPair(dir, 'flood-printer');
    await pair.open();
    const sim = new PrinterSimulator({ path: pair.devicePath });
    await sim.start();
    const printer = new ReceiptPrinter({
      path: pair.hostPath,
      logger: new MemoryLogger(),
      pollIntervalMs: 100,
      responseTimeoutMs: 300,
      reconnectDelayMs: { initial: 50, max: 200 },
    });
    printer.start();
    try {
      expect(await printer.waitForStatus((s) => s.state === 'ready', 3000)).toEqual({ state: 'ready' });
      const rng = random(42);
      for (let burst = 0; burst < 100; burst++) {
        const frames = Array.from({ length: 200 }, () => rng.bytes(1 + rng.int(8)));
        await sim.injectRaw(Uint8Array.from(frames.flatMap((frame) => [...frame])));
      }
      expect(await printer.waitForStatus((s) => s.state === 'ready', 5000)).toEqual({ state: 'ready' });
      const printed = await printer.print(
        { blocks: [{ kind: 'text', text: 'после шума / after the noise' }] },
        { timeoutMs: 5000 },
      );
      expect(printed.ok).toBe(true);
      expect(sim.transcript()).toContain('после шума / after the noise');
    } finally {
      await printer.stop();
      await sim.stop();
      await pair.kill();
      PtyPair.removeDir(dir);
    }
  });

  it('card reader driver: 20,000 noise and broken frames, then authenticating again', async () => {
    const dir = PtyPair.tempDir();
    const pair = new PtyPair(dir, 'flood-reader');
    await pair.open();
    const sim = new CardReaderSimulator({ path: pair.devicePath });
    await sim.start();
    const cards = buildCardSet(demoCardSetFile());
    const reader = new CardReader({
      path: pair.hostPath,
      logger: new MemoryLogger(),
      cardIssuerKeys: [cards.cardIssuerPublicKey],
      tokenIssuerKeys: [cards.tokenIssuerPublicKey],
      pollIntervalMs: 100,
      responseTimeoutMs: 400,
      reconnectDelayMs: { initial: 50, max: 200 },
    });
    reader.start();
    try {
      expect(await reader.waitForStatus((s) => s.state === 'no-card', 3000)).toEqual({ state: 'no-card' });
      const rng = random(7);
      for (let burst = 0; burst < 100; burst++) {
        const frames = Array.from({ length: 200 }, () => {
          const valid = encodeFrame({ seq: rng.int(256), type: rng.int(256), payload: rng.bytes(rng.int(16)) });
          return rng.int(2) === 0 ? valid.slice(0, rng.int(valid.length)) : rng.bytes(1 + rng.int(8));
        });
        await sim.injectRaw(Uint8Array.from(frames.flatMap((frame) => [...frame])));
      }
      const worker = cards.cards.get('worker');
      if (!worker) throw new Error('card');
      sim.insert(worker);
      expect(await reader.waitForStatus((s) => s.state === 'card-present', 5000)).toEqual({ state: 'card-present' });
      let result = await reader.authenticate({ pin: '1234', roles: ['poll-worker'] });
      // A broken frame left in the line may cost one attempt; the next one must work.
      if (!result.ok) result = await reader.authenticate({ pin: '1234', roles: ['poll-worker'] });
      expect(result.ok).toBe(true);
    } finally {
      await reader.stop();
      await sim.stop();
      await pair.kill();
      PtyPair.removeDir(dir);
    }
  });
});
