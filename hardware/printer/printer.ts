/**
 * A printer as the station uses it, whatever the model: print a document, say
 * its state. `createPrinter` makes one for a configured model; a second model is
 * one more driver and one more case here.
 */
import type { EventLogger } from '../../core/logging';
import { err, ok, type Result } from '../../core/result';
import type { PrintDocument } from './document';
import { ReceiptPrinter } from './receipt-printer';

/**
 * Why a document did not print. 'not-ready': nothing was sent; any other kind:
 * part of it may be on paper. `state` is the printer's state then.
 */
export type PrinterFault = {
  readonly kind: 'invalid-document' | 'not-ready' | 'print-failed' | 'not-confirmed' | 'busy';
  readonly state: string;
};

export interface DocumentPrinter {
  print(document: PrintDocument): Promise<Result<{ readonly jobId: string }, PrinterFault>>;
  /** The printer's state now: a key of the hardware messages (core/i18n/hardware.ts). */
  state(): string;
}

/** A printer the station can start, stop and print with. */
export type PrinterDevice = DocumentPrinter & { start(): void; stop(): Promise<void> };

export type PrinterModel = 'escpos';
export const PRINTER_MODELS: readonly PrinterModel[] = ['escpos'];

/** The driver for `model` on the serial port at `path`. */
export function createPrinter(
  model: PrinterModel,
  options: { readonly path: string; readonly logger: EventLogger },
): PrinterDevice {
  switch (model) {
    case 'escpos':
      return escposPrinter(new ReceiptPrinter({ path: options.path, logger: options.logger }));
  }
}

/** An ESC/POS receipt printer (receipt-printer.ts) as a document printer. */
export function escposPrinter(driver: ReceiptPrinter): PrinterDevice {
  return {
    async print(document) {
      const printed = await driver.print(document);
      if (printed.ok) return ok({ jobId: printed.value.jobId });
      const failure = printed.error;
      const state = 'status' in failure ? failure.status.state : driver.getStatus().state;
      return err({ kind: failure.kind === 'invalid-receipt' ? 'invalid-document' : failure.kind, state });
    },
    state: () => driver.getStatus().state,
    start: () => driver.start(),
    stop: () => driver.stop(),
  };
}
