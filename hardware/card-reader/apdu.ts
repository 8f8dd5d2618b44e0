/** ISO/IEC 7816-4 short APDUs and the status words Urna's cards use. */
export type CommandApdu = {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data?: Uint8Array;
  /** Expected response length; 256 is encoded as 00. Absent: no Le. */
  readonly le?: number;
};

export type ResponseApdu = { readonly data: Uint8Array; readonly sw: number };

export const SW = {
  ok: 0x9000,
  fileDeactivated: 0x6283,
  wrongLength: 0x6700,
  securityNotSatisfied: 0x6982,
  authBlocked: 0x6983,
  conditionsNotSatisfied: 0x6985,
  fileNotFound: 0x6a82,
  wrongP1P2: 0x6b00,
  insNotSupported: 0x6d00,
  claNotSupported: 0x6e00,
  wrongData: 0x6a80,
} as const;

/** 63Cx: verification failed, x tries left. */
export const isWrongPin = (sw: number): boolean => (sw & 0xfff0) === 0x63c0;
export const triesLeft = (sw: number): number => sw & 0x0f;

export const URNA_AID = Uint8Array.of(0xf0, 0x55, 0x52, 0x4e, 0x41, 0x01);
export const FILE_CERTIFICATE = 0xc001;
export const FILE_ACTIVATION_TOKEN = 0xc002;
export const PIN_REFERENCE = 0x81;

export function encodeCommand(apdu: CommandApdu): Uint8Array {
  const data = apdu.data ?? new Uint8Array(0);
  if (data.length > 255) throw new RangeError('short APDU data is at most 255 bytes');
  const parts = [apdu.cla, apdu.ins, apdu.p1, apdu.p2];
  if (data.length > 0) parts.push(data.length, ...data);
  if (apdu.le !== undefined) parts.push(apdu.le === 256 ? 0 : apdu.le);
  return Uint8Array.from(parts);
}

/** Parses a short command APDU (cases 1–4); undefined when the lengths do not add up. */
export function decodeCommand(bytes: Uint8Array): CommandApdu | undefined {
  if (bytes.length < 4) return undefined;
  const [cla = 0, ins = 0, p1 = 0, p2 = 0] = bytes;
  const header = { cla, ins, p1, p2 };
  if (bytes.length === 4) return header;
  const first = bytes[4] ?? 0;
  if (bytes.length === 5) return { ...header, le: first === 0 ? 256 : first };
  if (first === 0) return undefined; // extended lengths are not used
  if (bytes.length === 5 + first) return { ...header, data: bytes.slice(5) };
  if (bytes.length === 6 + first) {
    const le = bytes[5 + first] ?? 0;
    return { ...header, data: bytes.slice(5, 5 + first), le: le === 0 ? 256 : le };
  }
  return undefined;
}

export function encodeResponse(response: ResponseApdu): Uint8Array {
  const out = new Uint8Array(response.data.length + 2);
  out.set(response.data);
  out[response.data.length] = response.sw >> 8;
  out[response.data.length + 1] = response.sw & 0xff;
  return out;
}

export function decodeResponse(bytes: Uint8Array): ResponseApdu | undefined {
  if (bytes.length < 2) return undefined;
  return { data: bytes.slice(0, -2), sw: ((bytes[bytes.length - 2] ?? 0) << 8) | (bytes[bytes.length - 1] ?? 0) };
}

export const selectApplet = (): CommandApdu => ({ cla: 0, ins: 0xa4, p1: 0x04, p2: 0x00, data: URNA_AID, le: 256 });
export const selectFile = (fileId: number): CommandApdu => ({
  cla: 0,
  ins: 0xa4,
  p1: 0x02,
  p2: 0x0c,
  data: Uint8Array.of(fileId >> 8, fileId & 0xff),
});
export const readBinary = (offset: number): CommandApdu => ({
  cla: 0,
  ins: 0xb0,
  p1: (offset >> 8) & 0x7f,
  p2: offset & 0xff,
  le: 256,
});
export const verifyPin = (pin: string): CommandApdu => ({
  cla: 0,
  ins: 0x20,
  p1: 0,
  p2: PIN_REFERENCE,
  data: Uint8Array.from(pin, (c) => c.charCodeAt(0)),
});
export const pinTriesLeft = (): CommandApdu => ({ cla: 0, ins: 0x20, p1: 0, p2: PIN_REFERENCE });
export const internalAuthenticate = (challenge: Uint8Array): CommandApdu => ({
  cla: 0,
  ins: 0x88,
  p1: 0,
  p2: 0,
  data: challenge,
  le: 256,
});
export const deactivateFile = (): CommandApdu => ({ cla: 0, ins: 0x04, p1: 0, p2: 0 });
