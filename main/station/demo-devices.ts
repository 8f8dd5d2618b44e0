/**
 * Demonstration hardware: the printer and card-reader simulators on real
 * pseudo-terminal pairs (socat), so a demo kiosk runs the real drivers over real
 * serial bytes. Used by `npm start` (demo mode) and by the end-to-end tests.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { EventLogger } from '../../core/logging';
import { buildCardSet, demoCardSetFile, type CardSet } from '../../hardware/sim/card-set';
import { CardReaderSimulator } from '../../hardware/sim/card-reader-sim';
import { PrinterSimulator } from '../../hardware/sim/printer-sim';
import { PtyPair } from '../../hardware/sim/pty-pair';
import type { StationDevicesConfig } from './devices';

export type DemoDevices = {
  readonly config: StationDevicesConfig;
  readonly printer: PrinterSimulator;
  readonly cardReader: CardReaderSimulator;
  readonly cards: CardSet;
  readonly ptyDir: string;
  stop(): Promise<void>;
};

export function socatAvailable(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

export async function startDemoDevices(options: {
  readonly renderDir?: string;
  readonly logger: EventLogger;
}): Promise<DemoDevices> {
  const ptyDir = PtyPair.tempDir();
  const printerPair = new PtyPair(ptyDir, 'printer');
  const readerPair = new PtyPair(ptyDir, 'card-reader');
  await Promise.all([printerPair.open(), readerPair.open()]);
  const printer = new PrinterSimulator({
    path: printerPair.devicePath,
    logger: options.logger,
    renderDir: options.renderDir,
  });
  const cardReader = new CardReaderSimulator({ path: readerPair.devicePath, logger: options.logger });
  await Promise.all([printer.start(), cardReader.start()]);
  const cards = buildCardSet(demoCardSetFile());
  options.logger.log('station.demo-devices-started', {
    printer: printerPair.hostPath,
    cardReader: readerPair.hostPath,
  });
  return {
    config: {
      printerPath: printerPair.hostPath,
      cardReaderPath: readerPair.hostPath,
      cardIssuerKeys: [cards.cardIssuerPublicKey],
      tokenIssuerKeys: [cards.tokenIssuerPublicKey],
    },
    printer,
    cardReader,
    cards,
    ptyDir,
    stop: async () => {
      await Promise.all([printer.stop(), cardReader.stop()]);
      await Promise.all([printerPair.kill(), readerPair.kill()]);
      PtyPair.removeDir(ptyDir);
    },
  };
}

export function demoRenderDir(dataDir: string): string {
  return path.join(dataDir, 'demo-receipts');
}
