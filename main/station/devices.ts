/**
 * The station's serial devices: the receipt printer and the card reader, each
 * a self-healing driver from hardware/, reduced for the status screen to a
 * state name, whether it can be used, and its port.
 */
import type { EventLogger } from '../../core/logging';
import { CardReader } from '../../hardware/card-reader/card-reader';
import { createPrinter, type PrinterDevice, type PrinterModel } from '../../hardware/printer/printer';
import type { DeviceStatusSource } from './station-deps';

export type StationDevicesConfig = {
  /** Serial path of the receipt printer, e.g. /dev/ttyUSB0. */
  readonly printerPath?: string;
  /** Which driver speaks to it (hardware/printer/printer.ts); ESC/POS by default. */
  readonly printerModel?: PrinterModel;
  /** Serial path of the card reader. */
  readonly cardReaderPath?: string;
  /** The election's poll-worker card issuer keys (empty until an election is loaded). */
  readonly cardIssuerKeys?: readonly Uint8Array[];
  /** Keys that may sign voter activation tokens. */
  readonly tokenIssuerKeys?: readonly Uint8Array[];
};

export type StationDevices = {
  readonly printer: PrinterDevice | null;
  readonly cardReader: CardReader | null;
  readonly printerStatus: DeviceStatusSource | null;
  readonly cardReaderStatus: DeviceStatusSource | null;
  /** Trusts an election's poll-worker card issuer key from now on (an election was loaded). */
  trustCardIssuerKey(publicKey: Uint8Array): void;
  stop(): Promise<void>;
};

/** A printer can take a job when it is ready or merely running low. */
export function printerStatusSource(printer: PrinterDevice, port: string): DeviceStatusSource {
  return {
    status: () => {
      const state = printer.state();
      return { state, ready: state === 'ready' || state === 'paper-near-end', port };
    },
  };
}

/** A reader is usable whenever it answers, card or no card. */
export function cardReaderStatusSource(reader: CardReader, port: string): DeviceStatusSource {
  return {
    status: () => {
      const { state } = reader.getStatus();
      return { state, ready: state !== 'disconnected', port };
    },
  };
}

/** Starts the configured drivers; each connects (and reconnects) by itself and never throws. */
export function startStationDevices(config: StationDevicesConfig, logger: EventLogger): StationDevices {
  const printer = config.printerPath
    ? createPrinter(config.printerModel ?? 'escpos', { path: config.printerPath, logger })
    : null;
  // The driver reads this list at each check, so a key trusted later applies to the next card.
  const cardIssuerKeys: Uint8Array[] = [...(config.cardIssuerKeys ?? [])];
  const cardReader = config.cardReaderPath
    ? new CardReader({
        path: config.cardReaderPath,
        logger,
        cardIssuerKeys,
        tokenIssuerKeys: config.tokenIssuerKeys ?? [],
      })
    : null;
  printer?.start();
  cardReader?.start();
  return {
    printer,
    cardReader,
    printerStatus: printer && config.printerPath ? printerStatusSource(printer, config.printerPath) : null,
    cardReaderStatus:
      cardReader && config.cardReaderPath ? cardReaderStatusSource(cardReader, config.cardReaderPath) : null,
    trustCardIssuerKey: (publicKey) => {
      if (cardIssuerKeys.some((k) => Buffer.from(k).equals(Buffer.from(publicKey)))) return;
      cardIssuerKeys.push(publicKey);
      logger.log('card-reader.issuer-key-trusted', { keyHex: Buffer.from(publicKey).toString('hex').slice(0, 16) });
    },
    stop: async () => {
      await Promise.all([printer?.stop(), cardReader?.stop()]);
    },
  };
}
