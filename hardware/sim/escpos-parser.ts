/**
 * The simulator's reading of host → printer bytes: the ESC/POS commands the driver
 * sends, plus the common ones a station might send, parsed incrementally so a
 * command split across reads is put back together. Real-time commands (DLE …) are
 * flagged, because a printer answers them even when it has stopped printing.
 */
export type EscPosCommand =
  | { readonly kind: 'text'; readonly bytes: Uint8Array }
  | { readonly kind: 'line-feed' }
  | { readonly kind: 'initialize' }
  | { readonly kind: 'code-page'; readonly n: number }
  | { readonly kind: 'emphasis'; readonly on: boolean }
  | { readonly kind: 'justify'; readonly n: number }
  | { readonly kind: 'size'; readonly width: number; readonly height: number }
  | { readonly kind: 'feed-lines'; readonly n: number }
  | { readonly kind: 'cut'; readonly partial: boolean }
  | { readonly kind: 'automatic-status-back'; readonly n: number }
  | { readonly kind: 'qr'; readonly fn: number; readonly parameters: Uint8Array }
  | { readonly kind: 'process-id'; readonly id: string }
  | { readonly kind: 'realtime-status'; readonly n: number }
  | { readonly kind: 'clear-buffers' }
  | { readonly kind: 'recover'; readonly n: number }
  | { readonly kind: 'ignored'; readonly name: string }
  | { readonly kind: 'unknown'; readonly byte: number };

export function isRealtimeCommand(command: EscPosCommand): boolean {
  return command.kind === 'realtime-status' || command.kind === 'clear-buffers' || command.kind === 'recover';
}

/** Bytes held while waiting for the rest of a command; a longer command is refused. */
const MAX_COMMAND_BYTES = 7092 + 16;

type Step = { readonly command: EscPosCommand | undefined; readonly length: number } | 'need-more';

export class EscPosParser {
  private buffer = new Uint8Array(0);

  push(chunk: Uint8Array): EscPosCommand[] {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    const out: EscPosCommand[] = [];
    let position = 0;
    while (position < joined.length) {
      const step = parseOne(joined, position);
      if (step === 'need-more') {
        if (joined.length - position > MAX_COMMAND_BYTES) {
          out.push({ kind: 'unknown', byte: joined[position] ?? 0 });
          position += 1;
          continue;
        }
        break;
      }
      if (step.command) out.push(step.command);
      position += step.length;
    }
    this.buffer = joined.slice(position);
    return out;
  }

  /** Bytes of an incomplete command still waiting for the rest. */
  get pendingBytes(): number {
    return this.buffer.length;
  }

  reset(): void {
    this.buffer = new Uint8Array(0);
  }
}

function parseOne(bytes: Uint8Array, at: number): Step {
  const first = bytes[at] ?? 0;
  const available = bytes.length - at;
  const byteAt = (offset: number): number => bytes[at + offset] ?? 0;
  const need = (length: number, make: () => EscPosCommand | undefined): Step =>
    available < length ? 'need-more' : { command: make(), length };

  if (first >= 0x20 && first !== 0x7f) {
    let end = at;
    while (end < bytes.length && (bytes[end] ?? 0) >= 0x20 && bytes[end] !== 0x7f) end++;
    return { command: { kind: 'text', bytes: bytes.slice(at, end) }, length: end - at };
  }
  switch (first) {
    case 0x0a:
      return { command: { kind: 'line-feed' }, length: 1 };
    case 0x0d:
      return { command: undefined, length: 1 };
    case 0x10: // DLE
      if (available < 2) return 'need-more';
      switch (byteAt(1)) {
        case 0x04:
          return need(3, () =>
            byteAt(2) >= 1 && byteAt(2) <= 4
              ? { kind: 'realtime-status', n: byteAt(2) }
              : { kind: 'ignored', name: 'DLE EOT (other)' },
          );
        case 0x05:
          return need(3, () => ({ kind: 'recover', n: byteAt(2) }));
        case 0x14:
          if (available < 3) return 'need-more';
          if (byteAt(2) === 8) {
            return need(10, () => {
              const tail = [1, 3, 20, 1, 6, 2, 8].every((value, index) => byteAt(3 + index) === value);
              return tail ? { kind: 'clear-buffers' } : { kind: 'ignored', name: 'DLE DC4 8 (bad parameters)' };
            });
          }
          return need(5, () => ({ kind: 'ignored', name: `DLE DC4 ${byteAt(2)}` }));
        default:
          return { command: { kind: 'unknown', byte: first }, length: 1 };
      }
    case 0x1b: // ESC
      if (available < 2) return 'need-more';
      switch (byteAt(1)) {
        case 0x40:
          return { command: { kind: 'initialize' }, length: 2 };
        case 0x74:
          return need(3, () => ({ kind: 'code-page', n: byteAt(2) }));
        case 0x45:
          return need(3, () => ({ kind: 'emphasis', on: (byteAt(2) & 1) === 1 }));
        case 0x61:
          return need(3, () => ({ kind: 'justify', n: byteAt(2) % 48 }));
        case 0x64:
          return need(3, () => ({ kind: 'feed-lines', n: byteAt(2) }));
        case 0x21:
        case 0x2d:
        case 0x33:
        case 0x4a:
        case 0x4d:
        case 0x52:
        case 0x47:
          return need(3, () => ({ kind: 'ignored', name: `ESC ${String.fromCharCode(byteAt(1))}` }));
        case 0x32:
          return { command: { kind: 'ignored', name: 'ESC 2' }, length: 2 };
        default:
          return { command: { kind: 'unknown', byte: first }, length: 1 };
      }
    case 0x1d: // GS
      if (available < 2) return 'need-more';
      switch (byteAt(1)) {
        case 0x21:
          return need(3, () => ({
            kind: 'size',
            width: ((byteAt(2) >> 4) & 0x07) + 1,
            height: (byteAt(2) & 0x07) + 1,
          }));
        case 0x61:
          return need(3, () => ({ kind: 'automatic-status-back', n: byteAt(2) }));
        case 0x56: {
          if (available < 3) return 'need-more';
          const m = byteAt(2);
          if ([0, 1, 48, 49].includes(m)) return { command: { kind: 'cut', partial: m % 48 === 1 }, length: 3 };
          if ([65, 66, 97, 98, 103, 104].includes(m)) return need(4, () => ({ kind: 'cut', partial: m % 2 === 0 }));
          return { command: { kind: 'ignored', name: 'GS V (bad m)' }, length: 3 };
        }
        case 0x72:
          return need(3, () => ({ kind: 'ignored', name: 'GS r' }));
        case 0x28: {
          if (available < 5) return 'need-more';
          const length = byteAt(3) + byteAt(4) * 256;
          return need(5 + length, () => parseGsParen(byteAt(2), bytes.slice(at + 5, at + 5 + length)));
        }
        default:
          return { command: { kind: 'unknown', byte: first }, length: 1 };
      }
    default:
      return { command: { kind: 'unknown', byte: first }, length: 1 };
  }
}

/** GS ( <letter> pL pH <parameters> — QR functions (k, cn = 49) and process id (H, fn = 48). */
function parseGsParen(letter: number, parameters: Uint8Array): EscPosCommand {
  if (letter === 0x6b && parameters.length >= 2 && parameters[0] === 49) {
    return { kind: 'qr', fn: parameters[1] ?? 0, parameters: parameters.slice(2) };
  }
  if (letter === 0x48 && parameters.length === 6 && parameters[0] === 48 && parameters[1] === 48) {
    const id = parameters.slice(2);
    if (id.every((byte) => byte >= 0x20 && byte <= 0x7e)) return { kind: 'process-id', id: String.fromCharCode(...id) };
  }
  return { kind: 'ignored', name: `GS ( ${String.fromCharCode(letter)}` };
}
