/** The card reader's serial framing; see FRAMING.md beside this file. */
export const STX = 0x02;
export const ETX = 0x03;
export const MAX_PAYLOAD = 512;
const OVERHEAD = 7;

export const FrameType = {
  getStatus: 0x10,
  powerOn: 0x11,
  powerOff: 0x12,
  transmit: 0x13,
  status: 0x80,
  atr: 0x81,
  response: 0x82,
  error: 0x8f,
  slotEvent: 0x90,
} as const;

export const Slot = {
  empty: 0x00,
  present: 0x01,
  powered: 0x02,
  unreadable: 0x03,
  mute: 0x04,
} as const;

export const ReaderError = {
  noCard: 0x01,
  unreadable: 0x02,
  mute: 0x03,
  badFrame: 0x04,
  unknownType: 0x05,
  tooLong: 0x06,
} as const;

/** The reader id carried after the slot byte in a STATUS payload. */
export const READER_ID = 'URNA-CR1';

export type Frame = { readonly seq: number; readonly type: number; readonly payload: Uint8Array };

export function encodeFrame(frame: Frame): Uint8Array {
  if (frame.payload.length > MAX_PAYLOAD)
    throw new RangeError(`frame payload ${frame.payload.length} > ${MAX_PAYLOAD}`);
  const length = frame.payload.length;
  const out = new Uint8Array(length + OVERHEAD);
  out[0] = STX;
  out[1] = frame.seq & 0xff;
  out[2] = frame.type & 0xff;
  out[3] = length >> 8;
  out[4] = length & 0xff;
  out.set(frame.payload, 5);
  let lrc = 0;
  for (let i = 1; i < 5 + length; i++) lrc ^= out[i] ?? 0;
  out[5 + length] = lrc;
  out[6 + length] = ETX;
  return out;
}

/**
 * A streaming frame parser. It keeps at most one maximal frame of input; anything
 * that is not a valid frame is counted and skipped, one byte at a time from a
 * broken STX, so every byte is either part of a frame or discarded.
 */
export class FrameParser {
  private buffer = new Uint8Array(0);
  /** Bytes thrown away as noise or broken frames, for diagnostics. */
  discarded = 0;

  push(chunk: Uint8Array): Frame[] {
    const data = new Uint8Array(this.buffer.length + chunk.length);
    data.set(this.buffer);
    data.set(chunk, this.buffer.length);
    const frames: Frame[] = [];
    let at = 0;
    while (at < data.length) {
      if (data[at] !== STX) {
        at++;
        this.discarded++;
        continue;
      }
      if (data.length - at < 5) break;
      const length = ((data[at + 3] ?? 0) << 8) | (data[at + 4] ?? 0);
      if (length > MAX_PAYLOAD) {
        at++;
        this.discarded++;
        continue;
      }
      if (data.length - at < length + OVERHEAD) break;
      let lrc = 0;
      for (let i = at + 1; i < at + 5 + length; i++) lrc ^= data[i] ?? 0;
      if (lrc !== data[at + 5 + length] || data[at + 6 + length] !== ETX) {
        at++;
        this.discarded++;
        continue;
      }
      frames.push({ seq: data[at + 1] ?? 0, type: data[at + 2] ?? 0, payload: data.slice(at + 5, at + 5 + length) });
      at += length + OVERHEAD;
    }
    this.buffer = data.slice(at);
    return frames;
  }

  reset(): void {
    this.buffer = new Uint8Array(0);
  }
}
