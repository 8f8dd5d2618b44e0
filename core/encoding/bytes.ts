/**
 * Byte encodings used by every pinned format (docs/SPEC.md §1.4): binary values
 * in entries are unpadded base64url, signed notes use standard padded base64,
 * key ids are hex.
 */
import { base64, base64urlnopad, hex, utf8 } from '@scure/base';

export type Bytes = Uint8Array;

export function utf8Encode(text: string): Bytes {
  return utf8.decode(text);
}

/** Decodes UTF-8, refusing malformed sequences rather than substituting U+FFFD. */
export function utf8Decode(bytes: Bytes): string {
  return utf8.encode(bytes);
}

export function toBase64Url(bytes: Bytes): string {
  return base64urlnopad.encode(bytes);
}

export function fromBase64Url(text: string): Bytes {
  return base64urlnopad.decode(text);
}

export function toBase64(bytes: Bytes): string {
  return base64.encode(bytes);
}

export function fromBase64(text: string): Bytes {
  return base64.decode(text);
}

export function toHex(bytes: Bytes): string {
  return hex.encode(bytes);
}

export function fromHex(text: string): Bytes {
  return hex.decode(text);
}

export function concatBytes(...parts: readonly Bytes[]): Bytes {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytesEqual(a: Bytes, b: Bytes): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
