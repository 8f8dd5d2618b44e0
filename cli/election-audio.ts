/**
 * Renders an election's audio ballot on the election official's machine with
 * eSpeak NG (Debian's `espeak-ng`): offline, Russian and English voices, packaged
 * by Debian. The kiosk only plays the signed clips, so the GPL engine never ships
 * in the kiosk. Each clip is espeak-ng's 22 050 Hz output with the silence at
 * both ends trimmed, resampled to 8 000 Hz and stored as µ-law (core/audio/wav.ts).
 *
 * Clips of an earlier rendering (a folder with manifest.json and its clips) are
 * reused when the phrase and its text are unchanged, so re-rendering after a small
 * change costs only the changed phrases, and the sample election renders without
 * espeak-ng at all from the clips committed under assets/sample-audio/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Language } from '../core/api/station-api';
import {
  AUDIO_DIR,
  AUDIO_MANIFEST_FORMAT,
  AudioManifestShape,
  clipFileName,
  clipLookupKey,
  type AudioClip,
  type AudioManifest,
} from '../core/audio/manifest';
import { requiredPhrases, type RequiredPhrase } from '../core/audio/phrases';
import { CLIP_SAMPLE_RATE, clipStats, decodeWav, encodeMuLawWav } from '../core/audio/wav';
import type { ElectionDefinition } from '../core/election/definition';
import { toHex } from '../core/encoding/bytes';
import { sha256 } from '../core/encoding/hash';

/** Words per minute: a little slower than espeak-ng's 175, for first-time listeners; the voter can speed it up. */
const ESPEAK_RATE = 165;
const VOICES: Readonly<Record<Language, string>> = { ru: 'ru', en: 'en-us' };

export class AudioRenderError extends Error {}

function engineName(): string {
  try {
    const version = execFileSync('espeak-ng', ['--version'], { encoding: 'utf8' }).match(/\d+\.\d+(\.\d+)?/u)?.[0];
    return `espeak-ng ${version ?? '?'}, -s ${ESPEAK_RATE}, ${CLIP_SAMPLE_RATE} Hz mu-law`;
  } catch {
    throw new AudioRenderError(
      'espeak-ng is not installed: install the Debian package espeak-ng (apt-get install espeak-ng) to render audio',
    );
  }
}

/** A 63-tap windowed-sinc low-pass below the new Nyquist frequency, then linear interpolation: 22 050 → 8 000 Hz. */
function resample(input: Float32Array, from: number, to: number): Float32Array {
  const taps = 63;
  const cutoff = (0.45 * to) / from;
  const kernel = Float32Array.from({ length: taps }, (_, i) => {
    const m = i - (taps - 1) / 2;
    const sinc = m === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * m) / (Math.PI * m);
    return sinc * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (taps - 1)));
  });
  const filtered = new Float32Array(input.length);
  for (let n = 0; n < input.length; n++) {
    let acc = 0;
    for (let k = 0; k < taps; k++) acc += (kernel[k] ?? 0) * (input[n + k - (taps - 1) / 2] ?? 0);
    filtered[n] = acc;
  }
  const out = new Float32Array(Math.floor((input.length * to) / from));
  for (let o = 0; o < out.length; o++) {
    const at = (o * from) / to;
    const i = Math.floor(at);
    const frac = at - i;
    out[o] = (filtered[i] ?? 0) * (1 - frac) + (filtered[i + 1] ?? 0) * frac;
  }
  return out;
}

/** Drops leading and trailing silence, keeping 40 ms on each side so words are not clipped. */
function trimSilence(samples: Float32Array, rate: number): Float32Array {
  const threshold = 0.01;
  let start = 0;
  while (start < samples.length && Math.abs(samples[start] ?? 0) < threshold) start++;
  let end = samples.length;
  while (end > start && Math.abs(samples[end - 1] ?? 0) < threshold) end--;
  const pad = Math.round(rate * 0.04);
  return samples.slice(Math.max(0, start - pad), Math.min(samples.length, end + pad));
}

/** Speaks one phrase with espeak-ng (the text goes in on stdin, never through a shell) and encodes the clip. */
export function synthesizeClip(text: string, voice: Language): Uint8Array {
  const wav = execFileSync('espeak-ng', ['-v', VOICES[voice], '-s', String(ESPEAK_RATE), '--stdout'], {
    input: text,
    maxBuffer: 64 * 1024 * 1024,
  });
  const decoded = decodeWav(new Uint8Array(wav));
  if (typeof decoded === 'string')
    throw new AudioRenderError(`espeak-ng wrote no usable audio for "${text}": ${decoded}`);
  const resampled = resample(trimSilence(decoded.samples, decoded.sampleRate), decoded.sampleRate, CLIP_SAMPLE_RATE);
  const pcm = Int16Array.from(resampled, (s) => Math.round(Math.max(-1, Math.min(1, s)) * 32_767));
  return encodeMuLawWav(pcm, CLIP_SAMPLE_RATE);
}

export type EarlierAudio = { readonly manifest: AudioManifest; readonly dir: string };

/** An earlier rendering in `dir` (its manifest.json and clips), or undefined if there is none. */
export function readEarlierAudio(dir: string): EarlierAudio | undefined {
  const file = path.join(dir, 'manifest.json');
  if (!existsSync(file)) return undefined;
  const parsed = AudioManifestShape.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? { manifest: parsed.data, dir } : undefined;
}

/** The sample election's clips, committed in the repository (assets/sample-audio/). */
export function sampleAudioDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'assets', 'sample-audio');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve('assets/sample-audio');
}

export type RenderedAudio = { readonly manifest: AudioManifest; readonly rendered: number; readonly reused: number };

/**
 * Renders every phrase the definition's audio ballot needs into `outDir/audio/`
 * and returns the manifest to put in the definition. Reuses `earlier` clips whose
 * phrase, language and text are unchanged.
 */
export function renderElectionAudio(
  definition: ElectionDefinition,
  outDir: string,
  earlier: EarlierAudio | undefined,
  onProgress: (done: number, total: number) => void = () => undefined,
): RenderedAudio {
  const previous = new Map(
    (earlier?.manifest.clips ?? []).map((clip) => [clipLookupKey(clip.phrase, clip.language), clip]),
  );
  const phrases: RequiredPhrase[] = requiredPhrases(definition);
  mkdirSync(path.join(outDir, AUDIO_DIR), { recursive: true });
  let engine: string | undefined;
  let rendered = 0;
  let reused = 0;
  const clips: AudioClip[] = phrases.map((phrase, i) => {
    onProgress(i, phrases.length);
    const old = previous.get(clipLookupKey(phrase.phrase, phrase.language));
    let bytes: Uint8Array | undefined;
    if (old !== undefined && old.text === phrase.text && earlier !== undefined) {
      const file = [path.join(earlier.dir, `${old.sha256}.wav`), path.join(earlier.dir, clipFileName(old))].find((f) =>
        existsSync(f),
      );
      if (file !== undefined) {
        const candidate = new Uint8Array(readFileSync(file));
        if (toHex(sha256(candidate)) === old.sha256) bytes = candidate;
      }
    }
    if (bytes === undefined) {
      engine ??= engineName();
      bytes = synthesizeClip(phrase.text, phrase.voice);
      rendered++;
    } else reused++;
    const decoded = decodeWav(bytes);
    if (typeof decoded === 'string') throw new AudioRenderError(`clip for ${phrase.phrase}: ${decoded}`);
    const clip: AudioClip = {
      phrase: phrase.phrase,
      language: phrase.language,
      text: phrase.text,
      sha256: toHex(sha256(bytes)),
      durationMs: Math.max(1, clipStats(decoded).durationMs),
    };
    const target = path.join(outDir, clipFileName(clip));
    if (!existsSync(target)) writeFileSync(target, bytes);
    return clip;
  });
  const manifest: AudioManifest = {
    format: AUDIO_MANIFEST_FORMAT,
    engine: engine ?? earlier?.manifest.engine ?? `espeak-ng, -s ${ESPEAK_RATE}, ${CLIP_SAMPLE_RATE} Hz mu-law`,
    clips,
  };
  return { manifest, rendered, reused };
}
