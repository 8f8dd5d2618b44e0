import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import type { HardwareLogger } from '../logger';
import { silentLogger } from '../logger';
import { renderPng, transcriptOf } from './paper';
import type { PrintedLine } from './paper';
import { EscPosPrinterModel } from './printer-model';
import type { PaperSupply } from './printer-model';

export type PrinterSimulatorOptions = {
  /** The simulator's end of a pty pair (the driver opens the other end). */
  readonly path: string;
  readonly logger?: HardwareLogger;
  /** When set, every cut receipt is written there as receipt-NNNN.txt and .png. */
  readonly renderDir?: string;
};

/**
 * A receipt printer on a serial port: speaks ESC/POS with the real parser and
 * status encoders, and can be told to fail the ways real printers fail.
 */
export class PrinterSimulator {
  readonly model: EscPosPrinterModel;
  private port: SerialPort | undefined;
  private silent = false;
  private receiptCount = 0;
  private renders: Promise<void> = Promise.resolve();
  private readonly logger: HardwareLogger;
  private renderDir: string | undefined;

  constructor(private readonly options: PrinterSimulatorOptions) {
    this.logger = options.logger ?? silentLogger;
    this.renderDir = options.renderDir;
    this.model = new EscPosPrinterModel({ onCut: (lines) => this.receiptCut(lines) });
  }

  async start(): Promise<void> {
    if (this.port?.isOpen) return;
    const port = new SerialPort({ path: this.options.path, baudRate: 115200, autoOpen: false });
    port.on('error', (error) => this.logger.log('sim.printer.port-error', { message: error.message }));
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    port.on('data', (chunk: Buffer) => this.send(this.model.receive(new Uint8Array(chunk))));
    port.on('close', () => {
      if (this.port === port) this.port = undefined;
    });
    this.port = port;
    this.logger.log('sim.printer.started', { path: this.options.path });
  }

  /** Closes the port, as if the cable were pulled (socat then removes the pair). */
  async disappear(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.logger.log('sim.printer.disappeared', { path: this.options.path });
  }

  async stop(): Promise<void> {
    await this.disappear();
    await this.renders;
  }

  /** Answers nothing at all (a hung printer), while still reading what it is sent. */
  goSilent(silent = true): void {
    this.silent = silent;
    this.logger.log('sim.printer.silent', { silent });
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

  /** Sends arbitrary bytes to the host, as a faulty device or a noisy line would (fuzz tests). */
  injectRaw(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.write(Buffer.from(bytes), () => port.drain(() => resolve())));
  }

  private send(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.silent) return;
    const port = this.port;
    if (port?.isOpen) port.write(Buffer.from(bytes));
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
        this.logger.log('sim.printer.render-failed', { name, message: error instanceof Error ? error.message : String(error) });
      }
    });
  }
}
