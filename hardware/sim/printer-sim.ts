import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderPng, transcriptOf } from './paper';
import type { PrintedLine } from './paper';
import { EscPosPrinterModel } from './printer-model';
import type { PaperSupply } from './printer-model';
import { SerialDeviceSimulator, type SerialDeviceSimulatorOptions } from './serial-device-sim';

export type PrinterSimulatorOptions = SerialDeviceSimulatorOptions & {
  /** When set, every cut receipt is written there as receipt-NNNN.txt and .png. */
  readonly renderDir?: string;
};

/**
 * A receipt printer on a serial port: speaks ESC/POS with the real parser and
 * status encoders, and can be told to fail the ways real printers fail.
 */
export class PrinterSimulator extends SerialDeviceSimulator {
  readonly model: EscPosPrinterModel;
  private receiptCount = 0;
  private renders: Promise<void> = Promise.resolve();
  private renderDir: string | undefined;

  constructor(options: PrinterSimulatorOptions) {
    super(options, 'sim.printer');
    this.renderDir = options.renderDir;
    this.model = new EscPosPrinterModel({ onCut: (lines) => this.receiptCut(lines) });
  }

  protected answer(fromHost: Uint8Array): Uint8Array {
    return this.model.receive(fromHost);
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.renders;
  }

  setPaper(paper: PaperSupply): void {
    this.model.faults.paper = paper;
    this.model.faults.linesLeft = undefined;
    this.changed('paper', paper);
  }

  /** The roll runs out after this many more printed lines. */
  runOutAfterLines(lines: number): void {
    this.model.faults.linesLeft = lines;
    this.changed('lines-left', lines);
  }

  setCoverOpen(open: boolean): void {
    this.model.faults.coverOpen = open;
    this.changed('cover-open', open);
  }

  /** Jams the cutter now, or (`onNextCut`) when it next cuts. */
  jamCutter(options: { readonly onNextCut?: boolean } = {}): void {
    if (options.onNextCut) this.model.faults.cutterJamsOnNextCut = true;
    else this.model.faults.cutterJammed = true;
    this.changed('cutter-jammed', options.onNextCut ? 'on-next-cut' : 'now');
  }

  clearCutter(): void {
    this.model.faults.cutterJammed = false;
    this.model.faults.cutterJamsOnNextCut = false;
    this.changed('cutter-jammed', false);
  }

  setMechanicalError(on: boolean): void {
    this.model.faults.mechanicalError = on;
    this.changed('mechanical-error', on);
  }

  setHeadOverheated(on: boolean): void {
    this.model.faults.headOverheated = on;
    this.changed('head-overheated', on);
  }

  setOfflineSwitch(on: boolean): void {
    this.model.faults.offlineSwitch = on;
    this.changed('offline', on);
  }

  /** Where cut receipts are written from now on (undefined: nowhere). */
  setRenderDir(dir: string | undefined): void {
    this.renderDir = dir;
  }

  /** Everything printed so far, as text. */
  transcript(): string {
    return transcriptOf(this.model.printed);
  }

  get receiptsCut(): number {
    return this.receiptCount;
  }

  /** Waits until pending receipt files are written. */
  async flushRenders(): Promise<void> {
    await this.renders;
  }

  private changed(fault: string, value: unknown): void {
    this.logger.log('sim.printer.fault-set', { fault, value });
    this.send(this.model.faultsChanged());
  }

  private receiptCut(lines: readonly PrintedLine[]): void {
    this.receiptCount += 1;
    const number = this.receiptCount;
    this.logger.log('sim.printer.receipt-cut', { number, lines: lines.length });
    const dir = this.renderDir;
    if (!dir) return;
    const name = `receipt-${String(number).padStart(4, '0')}`;
    this.renders = this.renders.then(async () => {
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, `${name}.txt`), `${transcriptOf(lines)}\n`);
        await writeFile(join(dir, `${name}.png`), await renderPng(lines));
      } catch (error) {
        this.logger.log('sim.printer.render-failed', {
          name,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    });
  }
}
