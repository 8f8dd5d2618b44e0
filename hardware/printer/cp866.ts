/**
 * Code page 866 (DOS Cyrillic), selected on ESC/POS printers with `ESC t 17`
 * ("PC866: Cyrillic #2"). Bytes 0x00–0x7F are ASCII; the table below gives the
 * Unicode code point of each byte 0x80–0xFF.
 */
const HIGH_HALF: readonly number[] = [
  // 0x80–0x9F: А..Я
  ...range(0x0410, 0x042f),
  // 0xA0–0xAF: а..п
  ...range(0x0430, 0x043f),
  // 0xB0–0xDF: shades and box drawing
  0x2591,
  0x2592,
  0x2593,
  0x2502,
  0x2524,
  0x2561,
  0x2562,
  0x2556,
  0x2555,
  0x2563,
  0x2551,
  0x2557,
  0x255d,
  0x255c,
  0x255b,
  0x2510,
  0x2514,
  0x2534,
  0x252c,
  0x251c,
  0x2500,
  0x253c,
  0x255e,
  0x255f,
  0x255a,
  0x2554,
  0x2569,
  0x2566,
  0x2560,
  0x2550,
  0x256c,
  0x2567,
  0x2568,
  0x2564,
  0x2565,
  0x2559,
  0x2558,
  0x2552,
  0x2553,
  0x256b,
  0x256a,
  0x2518,
  0x250c,
  0x2588,
  0x2584,
  0x258c,
  0x2590,
  0x2580,
  // 0xE0–0xEF: р..я
  ...range(0x0440, 0x044f),
  // 0xF0–0xFF
  0x0401,
  0x0451,
  0x0404,
  0x0454,
  0x0407,
  0x0457,
  0x040e,
  0x045e,
  0x00b0,
  0x2219,
  0x00b7,
  0x221a,
  0x2116,
  0x00a4,
  0x25a0,
  0x00a0,
];

function range(first: number, last: number): number[] {
  const out: number[] = [];
  for (let code = first; code <= last; code++) out.push(code);
  return out;
}

if (HIGH_HALF.length !== 128) throw new Error(`CP866 table has ${HIGH_HALF.length} entries, not 128`);

const BYTE_OF_CODE_POINT = new Map<number, number>(HIGH_HALF.map((codePoint, index) => [codePoint, 0x80 + index]));

/**
 * Typographic characters that CP866 lacks but Russian text uses often; they print
 * as their closest plain equivalent rather than as '?'.
 */
const SUBSTITUTES: ReadonlyMap<number, string> = new Map([
  [0x00ab, '"'],
  [0x00bb, '"'],
  [0x201c, '"'],
  [0x201d, '"'],
  [0x201e, '"'],
  [0x2018, "'"],
  [0x2019, "'"],
  [0x2013, '-'],
  [0x2014, '-'],
  [0x2026, '...'],
]);

/** ESC t n value for CP866 on Epson-compatible printers. */
export const ESC_T_CP866 = 17;

export type Cp866Encoding = {
  readonly bytes: Uint8Array;
  /** Characters that have no CP866 byte; each printed as '?'. */
  readonly unmappable: readonly string[];
};

/** Encodes printable text (and '\n') to CP866. Other control characters are dropped. */
export function encodeCp866(text: string): Cp866Encoding {
  const out: number[] = [];
  const unmappable: string[] = [];
  for (const char of text.normalize('NFC')) {
    const codePoint = char.codePointAt(0) ?? 0x3f;
    if (codePoint === 0x0a) out.push(0x0a);
    else if (codePoint >= 0x20 && codePoint <= 0x7e) out.push(codePoint);
    else if (codePoint < 0x20 || codePoint === 0x7f) continue;
    else {
      const byte = BYTE_OF_CODE_POINT.get(codePoint);
      if (byte !== undefined) out.push(byte);
      else {
        const substitute = SUBSTITUTES.get(codePoint);
        if (substitute !== undefined) for (const c of substitute) out.push(c.charCodeAt(0));
        else {
          unmappable.push(char);
          out.push(0x3f);
        }
      }
    }
  }
  return { bytes: Uint8Array.from(out), unmappable };
}

/** Decodes one CP866 byte to its character (control bytes decode to U+FFFD). */
export function decodeCp866Byte(byte: number): string {
  if (byte >= 0x20 && byte <= 0x7e) return String.fromCharCode(byte);
  if (byte >= 0x80 && byte <= 0xff) return String.fromCodePoint(HIGH_HALF[byte - 0x80] ?? 0xfffd);
  return '\ufffd';
}

export function decodeCp866(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte === 0x0a ? '\n' : decodeCp866Byte(byte);
  return text;
}
