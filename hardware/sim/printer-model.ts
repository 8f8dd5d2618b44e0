import { decodeCp866Byte, ESC_T_CP866 } from '../printer/cp866';
import { encodeAutomaticStatus, encodeRealtimeStatus } from '../printer/status';
import type { PrinterCondition } from '../printer/status';
import { EscPosParser, isRealtimeCommand } from './escpos-parser';
import type { EscPosCommand } from './escpos-parser';
import type { Alignment, PrintedLine, PrintedSegment } from './paper';

export type PaperSupply = 'ok' | 'near-end' | 'out';

/** Faults a test or a demo can cause, as a person or the mechanism would. */
export type PrinterFaults = {
  paper: PaperSupply;
  coverOpen: boolean;
  cutterJammed: boolean;
  /** The next cut jams the cutter. */
  cutterJamsOnNextCut: boolean;
  mechanicalError: boolean;
  unrecoverableError: boolean;
  headOverheated: boolean;
  offlineSwitch: boolean;
  /** Lines of paper left before the roll runs out while printing; undefined = plenty. */
  linesLeft: number | undefined;
};

const QR_EC: Record<number, 'L' | 'M' | 'Q' | 'H'> = { 48: 'L', 49: 'M', 50: 'Q', 51: 'H' };
const ALIGN: readonly Alignment[] = ['left', 'center', 'right'];

/**
 * The printer mechanism without a port: bytes in, answer bytes out. Real-time
 * commands are answered as they arrive; everything else waits in the buffer and is
 * printed only while the printer is online, as on a real ESC/POS printer.
 */
export class EscPosPrinterModel {
  readonly faults: PrinterFaults = {
    paper: 'ok',
    coverOpen: false,
    cutterJammed: false,
    cutterJamsOnNextCut: false,
    mechanicalError: false,
    unrecoverableError: false,
    headOverheated: false,
    offlineSwitch: false,
    linesLeft: undefined,
  };
  /** Everything printed since the model was made. */
  readonly printed: PrintedLine[] = [];
  private readonly parser = new EscPosParser();
  private queue: EscPosCommand[] = [];
  private asbMask = 0;
  private lastAsb: string | undefined;
  private mode = { bold: false, width: 1, height: 1, align: 'left' as Alignment, codePage: 0 };
  private current: PrintedSegment[] = [];
  private currentAlign: Alignment = 'left';
  private qr = { moduleSize: 3, errorCorrection: 'L' as 'L' | 'M' | 'Q' | 'H', data: new Uint8Array(0) };
  private unknownBytes = 0;

  constructor(private readonly hooks: { readonly onCut?: (lines: readonly PrintedLine[]) => void } = {}) {}

  /** Feeds host bytes; returns the bytes the printer sends back. */
  receive(bytes: Uint8Array): Uint8Array {
    const out: number[] = [];
    for (const command of this.parser.push(bytes)) {
      if (isRealtimeCommand(command)) this.executeRealtime(command, out);
      else this.queue.push(command);
    }
    this.pump(out);
    return Uint8Array.from(out);
  }

  /** Call after changing `faults`: resumes printing if possible and returns any automatic status. */
  faultsChanged(): Uint8Array {
    const out: number[] = [];
    this.sendAsbIfChanged(out);
    this.pump(out);
    return Uint8Array.from(out);
  }

  condition(): PrinterCondition {
    const f = this.faults;
    const errorOccurred = f.cutterJammed || f.mechanicalError || f.unrecoverableError || f.headOverheated;
    const paperOut = f.paper === 'out';
    return {
      offline: f.coverOpen || paperOut || errorOccurred || f.offlineSwitch,
      coverOpen: f.coverOpen,
      feedButtonPressed: false,
      stoppedByPaperEnd: paperOut,
      errorOccurred,
      mechanicalError: f.mechanicalError,
      autocutterError: f.cutterJammed,
      unrecoverableError: f.unrecoverableError,
      autoRecoverableError: f.headOverheated,
      paperNearEnd: f.paper !== 'ok',
      paperOut,
    };
  }

  get bufferedCommands(): number {
    return this.queue.length;
  }

  get unknownByteCount(): number {
    return this.unknownBytes;
  }

  private executeRealtime(command: EscPosCommand, out: number[]): void {
    switch (command.kind) {
      case 'realtime-status': {
        const status = encodeRealtimeStatus(this.condition());
        out.push(
          [status.printer, status.offlineCause, status.errorCause, status.paperSensor][command.n - 1] ?? status.printer,
        );
        return;
      }
      case 'clear-buffers':
        this.queue = [];
        this.current = [];
        return;
      case 'recover':
        if (command.n === 2) this.queue = [];
        return;
      default:
        return;
    }
  }

  private online(): boolean {
    return !this.condition().offline;
  }

  private pump(out: number[]): void {
    while (this.queue.length > 0 && this.online()) {
      const command = this.queue.shift();
      if (command) this.execute(command, out);
      this.sendAsbIfChanged(out);
    }
  }

  private execute(command: EscPosCommand, out: number[]): void {
    switch (command.kind) {
      case 'text': {
        let text = '';
        for (const byte of command.bytes)
          text += this.mode.codePage === ESC_T_CP866 || byte < 0x80 ? decodeCp866Byte(byte) : '\ufffd';
        if (this.current.length === 0) this.currentAlign = this.mode.align;
        this.current.push({ text, bold: this.mode.bold, width: this.mode.width, height: this.mode.height });
        return;
      }
      case 'line-feed':
        this.endLine(true);
        return;
      case 'feed-lines':
        this.endLine(false);
        for (let i = 0; i < command.n; i++) this.endLine(true);
        return;
      case 'initialize':
        this.mode = { bold: false, width: 1, height: 1, align: 'left', codePage: 0 };
        return;
      case 'code-page':
        this.mode.codePage = command.n;
        return;
      case 'emphasis':
        this.mode.bold = command.on;
        return;
      case 'justify':
        this.mode.align = ALIGN[command.n] ?? 'left';
        return;
      case 'size':
        this.mode.width = command.width;
        this.mode.height = command.height;
        return;
      case 'cut':
        this.endLine(false);
        if (this.faults.cutterJamsOnNextCut || this.faults.cutterJammed) {
          this.faults.cutterJamsOnNextCut = false;
          this.faults.cutterJammed = true;
          return;
        }
        this.printed.push({ kind: 'cut', partial: command.partial });
        this.hooks.onCut?.(this.receiptSinceLastCut());
        return;
      case 'automatic-status-back':
        this.asbMask = command.n;
        this.lastAsb = undefined;
        this.sendAsbIfChanged(out);
        return;
      case 'qr':
        this.executeQr(command.fn, command.parameters);
        return;
      case 'process-id':
        out.push(0x37, 0x22, ...Array.from(command.id, (c) => c.charCodeAt(0)), 0x00);
        return;
      case 'unknown':
        this.unknownBytes += 1;
        return;
      case 'ignored':
      case 'realtime-status':
      case 'clear-buffers':
      case 'recover':
        return;
    }
  }

  private executeQr(fn: number, parameters: Uint8Array): void {
    switch (fn) {
      case 67:
        this.qr.moduleSize = Math.min(16, Math.max(1, parameters[0] ?? 3));
        return;
      case 69:
        this.qr.errorCorrection = QR_EC[parameters[0] ?? 48] ?? 'L';
        return;
      case 80:
        this.qr.data = parameters.slice(1);
        return;
      case 81:
        if (this.qr.data.length === 0) return;
        this.endLine(false);
        this.consumePaper();
        this.printed.push({
          kind: 'qr',
          align: this.mode.align,
          data: this.qr.data,
          moduleSize: this.qr.moduleSize,
          errorCorrection: this.qr.errorCorrection,
        });
        return;
      default:
        return;
    }
  }

  /** Prints the current line; an empty line is printed only for an explicit feed. */
  private endLine(evenIfEmpty: boolean): void {
    if (this.current.length === 0 && !evenIfEmpty) return;
    this.consumePaper();
    this.printed.push({
      kind: 'text',
      align: this.current.length > 0 ? this.currentAlign : this.mode.align,
      segments: this.current,
    });
    this.current = [];
  }

  private consumePaper(): void {
    if (this.faults.linesLeft === undefined) return;
    this.faults.linesLeft -= 1;
    if (this.faults.linesLeft <= 0) {
      this.faults.linesLeft = undefined;
      this.faults.paper = 'out';
    }
  }

  private receiptSinceLastCut(): PrintedLine[] {
    let start = this.printed.length - 1;
    while (start > 0 && this.printed[start - 1]?.kind !== 'cut') start--;
    return this.printed.slice(start);
  }

  private sendAsbIfChanged(out: number[]): void {
    if (this.asbMask === 0) return;
    const block = encodeAutomaticStatus(this.condition());
    const key = block.join(',');
    if (key === this.lastAsb) return;
    this.lastAsb = key;
    out.push(...block);
  }
}
