/**
 * ESC/POS command bytes, as documented in the Epson ESC/POS command reference.
 * Only the commands Urna needs are here; the simulator's parser understands the
 * same set, so a command added here must be added there too.
 */
export const ESC = 0x1b;
export const GS = 0x1d;
export const DLE = 0x10;
export const EOT = 0x04;
export const DC4 = 0x14;
export const LF = 0x0a;

/** ESC @ — initialise the printer (clears modes, not the receive buffer). */
export const initialize = (): Uint8Array => Uint8Array.of(ESC, 0x40);

/** ESC t n — select the character code table. */
export const selectCodePage = (n: number): Uint8Array => Uint8Array.of(ESC, 0x74, n);

/** ESC E n — emphasised (bold) on or off. */
export const emphasis = (on: boolean): Uint8Array => Uint8Array.of(ESC, 0x45, on ? 1 : 0);

export type Justification = 'left' | 'center' | 'right';
const JUSTIFICATION_CODE: Record<Justification, number> = { left: 0, center: 1, right: 2 };

/** ESC a n — justification. */
export const justify = (where: Justification): Uint8Array => Uint8Array.of(ESC, 0x61, JUSTIFICATION_CODE[where]);

/** GS ! n — character size: bits 4–7 width multiplier − 1, bits 0–3 height multiplier − 1. */
export function characterSize(width: number, height: number): Uint8Array {
  const w = clampMultiplier(width);
  const h = clampMultiplier(height);
  return Uint8Array.of(GS, 0x21, ((w - 1) << 4) | (h - 1));
}

function clampMultiplier(value: number): number {
  return Math.min(8, Math.max(1, Math.trunc(value)));
}

/** ESC d n — print the buffer and feed n lines. */
export const feedLines = (n: number): Uint8Array => Uint8Array.of(ESC, 0x64, Math.min(255, Math.max(0, n)));

export type CutKind = 'full' | 'partial';
/** GS V 65/66 n — feed to the cutting position plus n dots, then cut (A = full, B = partial). */
export const cut = (kind: CutKind, feedDots = 0): Uint8Array =>
  Uint8Array.of(GS, 0x56, kind === 'full' ? 65 : 66, Math.min(255, Math.max(0, feedDots)));

/** GS ( k with cn = 49 (QR Code): pL pH cn fn parameters… */
function qrFunction(fn: number, parameters: Uint8Array): Uint8Array {
  const length = 2 + parameters.length;
  const out = new Uint8Array(5 + length);
  out.set([GS, 0x28, 0x6b, length & 0xff, length >> 8, 49, fn]);
  out.set(parameters, 7);
  return out;
}

export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';
const QR_EC_CODE: Record<QrErrorCorrection, number> = { L: 48, M: 49, Q: 50, H: 51 };
/** The largest QR payload GS ( k function 180 accepts (pL + pH·256 ≤ 7092, minus 3). */
export const QR_MAX_DATA_BYTES = 7089;

/** Function 165: QR model (model 2). */
export const qrSelectModel2 = (): Uint8Array => qrFunction(65, Uint8Array.of(50, 0));
/** Function 167: module size in dots (1–16). */
export const qrModuleSize = (dots: number): Uint8Array =>
  qrFunction(67, Uint8Array.of(Math.min(16, Math.max(1, dots))));
/** Function 169: error correction level. */
export const qrErrorCorrection = (level: QrErrorCorrection): Uint8Array =>
  qrFunction(69, Uint8Array.of(QR_EC_CODE[level]));
/** Function 180: store symbol data (m = 48). */
export function qrStoreData(data: Uint8Array): Uint8Array {
  if (data.length > QR_MAX_DATA_BYTES)
    throw new RangeError(`QR data is ${data.length} bytes; at most ${QR_MAX_DATA_BYTES}`);
  const parameters = new Uint8Array(1 + data.length);
  parameters[0] = 48;
  parameters.set(data, 1);
  return qrFunction(80, parameters);
}
/** Function 181: print the stored symbol (m = 48). */
export const qrPrint = (): Uint8Array => qrFunction(81, Uint8Array.of(48));

/** DLE EOT n — real-time status: 1 printer, 2 offline cause, 3 error cause, 4 roll paper sensor. */
export type RealtimeStatusKind = 1 | 2 | 3 | 4;
export const realtimeStatusRequest = (n: RealtimeStatusKind): Uint8Array => Uint8Array.of(DLE, EOT, n);

/** GS a n — automatic status back; n bits: 1 drawer, 2 online/offline, 4 error, 8 roll paper sensor. */
export const ASB_ALL = 0x0f;
export const automaticStatusBack = (n: number): Uint8Array => Uint8Array.of(GS, 0x61, n & 0xff);

/**
 * GS ( H fn = 48 — attach a process id to the data before it; the printer answers
 * `37H 22H d1 d2 d3 d4 00H` once that data has been printed.
 */
export function requestProcessId(id: string): Uint8Array {
  if (!/^[\x20-\x7e]{4}$/.test(id)) throw new RangeError('a process id is 4 printable ASCII characters');
  return Uint8Array.of(GS, 0x28, 0x48, 6, 0, 48, 48, ...Array.from(id, (c) => c.charCodeAt(0)));
}

/** DLE DC4 fn = 8 — clear the receive and print buffers (a real-time command). */
export const clearBuffers = (): Uint8Array => Uint8Array.of(DLE, DC4, 8, 1, 3, 20, 1, 6, 2, 8);
