/**
 * The station's serial devices: the receipt printer and the card reader, each
 * a self-healing driver from hardware/, reduced for the status screen to a
 * state name, whether it can be used, and its port.
 */
import type { EventLogger } from '../../core/logging';
import { CardReader } from '../../hardware/card-reader/card-reader';
import { ReceiptPrinter } from '../../hardware/printer/receipt-printer';
import type { DeviceStatusSource } from './station-service';

export type StationDevicesConfig = {
  /** Serial path of the receipt printer, e.g. /dev/ttyUSB0. */
  readonly printerPath?: string;
  /** Serial path of the card reader. */
  readonly cardReaderPath?: string;
  /** The election's poll-worker card issuer keys (empty until an election is loaded). */
  readonly cardIssuerKeys?: readonly Uint8Array[];
  /** Keys that may sign voter activation tokens. */
  readonly tokenIssuerKeys?: readonly Uint8Array[];
};

export type StationDevices = {
  readonly printer: ReceiptPrinter | null;
  readonly cardReader: CardReader | null;
  readonly printerStatus: DeviceStatusSource | null;
  readonly cardReaderStatus: DeviceStatusSource | null;
  stop(): Promise<void>;
};

/** A printer can take a job when it is ready or merely running low. */
export function printerStatusSource(printer: ReceiptPrinter, port: string): DeviceStatusSource {
  return {
    status: () => {
      const { state } = printer.getStatus();
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
  const printer = config.printerPath ? new ReceiptPrinter({ path: config.printerPath, logger }) : null;
  const cardReader = config.cardReaderPath
    ? new CardReader({
        path: config.cardReaderPath,
        logger,
        cardIssuerKeys: config.cardIssuerKeys ?? [],
        tokenIssuerKeys: config.tokenIssuerKeys ?? [],
      })
    : null;
  printer?.start();
  cardReader?.start();
  return {
    printer,
    cardReader,
    printerStatus: printer && config.printerPath ? printerStatusSource(printer, config.printerPath) : null,
    cardReaderStatus: cardReader && config.cardReaderPath ? cardReaderStatusSource(cardReader, config.cardReaderPath) : null,
    stop: async () => {
      await Promise.all([printer?.stop(), cardReader?.stop()]);
    },
  };
}
