import { isAsbFirstByte, isAsbFollowingByte, isRealtimeStatusByte } from './status';

/** What a printer sends back to the host, split out of the byte stream. */
export type PrinterResponse =
  | { readonly kind: 'realtime-status'; readonly byte: number }
  | { readonly kind: 'automatic-status'; readonly block: readonly [number, number, number, number] }
  | { readonly kind: 'process-id'; readonly id: string }
  | { readonly kind: 'unexpected-bytes'; readonly count: number };

const PROCESS_ID_HEADER = 0x37;
const PROCESS_ID_IDENTIFIER = 0x22;
const PROCESS_ID_LENGTH = 7; // 37H 22H d1 d2 d3 d4 00H

/**
 * A streaming parser for printer → host bytes. The three kinds of answer are told
 * apart by their fixed bits (ESC/POS reference, DLE EOT and GS a): a real-time
 * status byte matches 0xx1xx10, the first GS a byte 0xx1xx00 followed by three
 * bytes 0xx0xxxx, and a process id response starts 37H 22H. Anything else is
 * counted as unexpected and skipped, so noise can never wedge the parser.
 */
export class PrinterResponseParser {
  private pending: number[] = [];
  private mode: 'idle' | 'automatic-status' | 'process-id' = 'idle';

  push(bytes: Uint8Array): PrinterResponse[] {
    const out: PrinterResponse[] = [];
    let unexpected = 0;
    const flushUnexpected = (): void => {
      if (unexpected > 0) out.push({ kind: 'unexpected-bytes', count: unexpected });
      unexpected = 0;
    };
    for (const byte of bytes) {
      if (this.mode === 'automatic-status') {
        if (isAsbFollowingByte(byte)) {
          this.pending.push(byte);
          if (this.pending.length === 4) {
            const [a = 0, b = 0, c = 0, d = 0] = this.pending;
            flushUnexpected();
            out.push({ kind: 'automatic-status', block: [a, b, c, d] });
            this.reset();
          }
          continue;
        }
        unexpected += this.pending.length;
        this.reset();
      } else if (this.mode === 'process-id') {
        const position = this.pending.length;
        const fits =
          (position === 1 && byte === PROCESS_ID_IDENTIFIER) ||
          (position >= 2 && position <= 5 && byte >= 0x20 && byte <= 0x7e) ||
          (position === 6 && byte === 0x00);
        if (fits) {
          this.pending.push(byte);
          if (this.pending.length === PROCESS_ID_LENGTH) {
            flushUnexpected();
            out.push({ kind: 'process-id', id: String.fromCharCode(...this.pending.slice(2, 6)) });
            this.reset();
          }
          continue;
        }
        unexpected += this.pending.length;
        this.reset();
      }
      // idle: classify the byte.
      if (isRealtimeStatusByte(byte)) {
        flushUnexpected();
        out.push({ kind: 'realtime-status', byte });
      } else if (isAsbFirstByte(byte)) {
        this.mode = 'automatic-status';
        this.pending = [byte];
      } else if (byte === PROCESS_ID_HEADER) {
        this.mode = 'process-id';
        this.pending = [byte];
      } else {
        unexpected += 1;
      }
    }
    flushUnexpected();
    return out;
  }

  /** Forgets a partial answer (after a reconnect the stream starts afresh). */
  reset(): void {
    this.mode = 'idle';
    this.pending = [];
  }
}
