/**
 * The audio ballot's clip format: a RIFF/WAVE file, mono, 8-bit G.711 µ-law
 * (WAVE format tag 7) at 8 000 Hz, telephone quality. µ-law keeps about 13 bits of dynamic range in
 * 8, which is plenty for synthetic speech in headphones, and halves the size of
 * 16-bit PCM; the kiosk decodes it itself (a table, below), so it needs no codec.
 */
import type { Bytes } from '../encoding/bytes';

export const CLIP_SAMPLE_RATE = 8000;
const WAVE_FORMAT_MULAW = 7;
const WAVE_FORMAT_PCM = 1;

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32_635;

/** One 16-bit linear sample to µ-law (ITU-T G.711). */
export function linearToMuLaw(sample: number): number {
  let s = Math.max(-32_768, Math.min(32_767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > MULAW_CLIP) s = MULAW_CLIP;
  s += MULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** One µ-law byte to a 16-bit linear sample. */
export function muLawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

const MULAW_TABLE = Float32Array.from({ length: 256 }, (_, byte) => muLawToLinear(byte) / 32_768);

function ascii(view: DataView, offset: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(view.getUint8(offset + i));
  return out;
}

/** Writes mono 16-bit samples as a µ-law WAVE file. */
export function encodeMuLawWav(samples: Int16Array, sampleRate: number): Bytes {
  const out = new Uint8Array(44 + samples.length + (samples.length % 2));
  const view = new DataView(out.buffer);
  const tag = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
  };
  tag(0, 'RIFF');
  view.setUint32(4, out.length - 8, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, WAVE_FORMAT_MULAW, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate, true);
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true);
  tag(36, 'data');
  view.setUint32(40, samples.length, true);
  for (let i = 0; i < samples.length; i++) out[44 + i] = linearToMuLaw(samples[i] ?? 0);
  return out;
}

export type DecodedClip = {
  readonly sampleRate: number;
  /** Samples in [-1, 1). */
  readonly samples: Float32Array;
};

type WavLayout = {
  readonly tag: number;
  readonly bits: number;
  readonly rate: number;
  readonly body: number;
  readonly end: number;
};

/**
 * Finds a mono WAVE file's format and samples: µ-law (the package's clips) or
 * 16-bit PCM (what espeak-ng writes). A size of 0x7fffffff in the data chunk
 * (espeak-ng writing to a pipe cannot seek back) means "to the end of the file".
 */
export function readWavLayout(bytes: Bytes): WavLayout | string {
  if (bytes.length < 12) return 'too short for a WAVE file';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (ascii(view, 0, 4) !== 'RIFF' || ascii(view, 8, 4) !== 'WAVE') return 'not a RIFF/WAVE file';
  let format: { tag: number; channels: number; rate: number; bits: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(view, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) return 'truncated fmt chunk';
      format = {
        tag: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        rate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (format === undefined) return 'data chunk before fmt chunk';
      if (format.channels !== 1) return `${format.channels} channels, expected mono`;
      const supported =
        (format.tag === WAVE_FORMAT_MULAW && format.bits === 8) ||
        (format.tag === WAVE_FORMAT_PCM && format.bits === 16);
      if (!supported) return `unsupported encoding (format ${format.tag}, ${format.bits} bits)`;
      const end = Math.min(bytes.length, size >= 0x7fff_0000 ? bytes.length : body + size);
      return { tag: format.tag, bits: format.bits, rate: format.rate, body, end };
    }
    offset = body + size + (size % 2);
  }
  return 'no data chunk';
}

/** Decodes a mono WAVE file (see readWavLayout) to samples in [-1, 1). */
export function decodeWav(bytes: Bytes): DecodedClip | string {
  const layout = readWavLayout(bytes);
  if (typeof layout === 'string') return layout;
  const { body, end } = layout;
  if (layout.tag === WAVE_FORMAT_MULAW) {
    const samples = new Float32Array(end - body);
    for (let i = 0; i < samples.length; i++) samples[i] = MULAW_TABLE[bytes[body + i] ?? 0xff] ?? 0;
    return { sampleRate: layout.rate, samples };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = new Float32Array(Math.floor((end - body) / 2));
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(body + 2 * i, true) / 32_768;
  return { sampleRate: layout.rate, samples };
}

export type ClipStats = { readonly durationMs: number; readonly rms: number; readonly peak: number };

/** What a clip sounds like in numbers: length, loudness (RMS) and peak, for checks and tests. */
export function clipStats(clip: DecodedClip): ClipStats {
  let sum = 0;
  let peak = 0;
  for (const s of clip.samples) {
    sum += s * s;
    peak = Math.max(peak, Math.abs(s));
  }
  return {
    durationMs: Math.round((clip.samples.length / clip.sampleRate) * 1000),
    rms: clip.samples.length === 0 ? 0 : Math.sqrt(sum / clip.samples.length),
    peak,
  };
}
