/**
 * The audio ballot in the election package: a manifest in the definition (so the
 * base hash and the authority's signature cover it) that lists every clip by the
 * phrase it speaks, its language, the exact text spoken, the SHA-256 of its bytes
 * and its length. The clips themselves are files beside the package,
 * `audio/<sha256 hex>.wav` (core/audio/wav.ts), named by their hash, so the
 * signature covers them too and identical phrases are stored once.
 */
import { z } from 'zod';
import { toHex, type Bytes } from '../encoding/bytes';
import { sha256 } from '../encoding/hash';
import type { ElectionDefinition } from '../election/definition';
import { electionError, type ElectionError } from '../election/errors';
import { readWavLayout } from './wav';
import { requiredPhrases } from './phrases';

export const AUDIO_MANIFEST_FORMAT = 'urna/audio/v1';
/** The folder beside election.json that holds the clips. */
export const AUDIO_DIR = 'audio';
export const MAX_AUDIO_CLIPS = 20_000;

export const AudioClipShape = z.strictObject({
  /** What the clip says, as `core/audio/phrases.ts` names it: `msg:contest.voteForOne`, `candidate:<id>`, `char:ru:Ж`. */
  phrase: z.string().min(1).max(200),
  language: z.enum(['ru', 'en']),
  /** The text the synthesizer was given, so that people can review what voters hear. */
  text: z.string().min(1).max(4000),
  sha256: z
    .string()
    .refine((s) => /^[0-9a-f]{64}$/u.test(s), { params: { code: 'bad-format', detail: '64 lowercase hex digits' } }),
  durationMs: z.int().min(1).max(600_000),
});

export const AudioManifestShape = z.strictObject({
  format: z.literal(AUDIO_MANIFEST_FORMAT),
  /** The synthesizer and its settings, for the record (e.g. "espeak-ng 1.51, -s 165"). */
  engine: z.string().min(1).max(200),
  clips: z.array(AudioClipShape).max(MAX_AUDIO_CLIPS),
});

export type AudioManifest = z.output<typeof AudioManifestShape>;
export type AudioClip = AudioManifest['clips'][number];

export function clipFileName(clip: Pick<AudioClip, 'sha256'>): string {
  return `${AUDIO_DIR}/${clip.sha256}.wav`;
}

export function clipLookupKey(phrase: string, language: 'ru' | 'en'): string {
  return `${language}|${phrase}`;
}

/**
 * Checks the audio ballot of a definition against the clip files: every phrase the
 * ballot needs is there in both languages, and every clip's bytes hash to what the
 * manifest says and decode as a clip. `readClip` returns undefined for a missing file.
 */
export function checkElectionAudio(
  definition: ElectionDefinition,
  readClip: (fileName: string) => Bytes | undefined,
  /** SHA-256 as lowercase hex; Node's native one where there is Node (megabytes of clips). */
  sha256Hex: (bytes: Bytes) => string = (bytes) => toHex(sha256(bytes)),
): ElectionError[] {
  const manifest = definition.audio;
  if (manifest === undefined) return [electionError('definition.audio', 'audio-missing')];
  const errors: ElectionError[] = [];
  const present = new Set<string>();
  manifest.clips.forEach((clip, i) => {
    const at = `definition.audio.clips[${i}]`;
    const key = clipLookupKey(clip.phrase, clip.language);
    if (present.has(key)) errors.push(electionError(at, 'audio-duplicate-phrase', { phrase: clip.phrase }));
    present.add(key);
    const file = clipFileName(clip);
    const bytes = readClip(file);
    const named = { phrase: clip.phrase, language: clip.language, file };
    if (bytes === undefined) {
      errors.push(electionError(at, 'audio-clip-missing', named));
      return;
    }
    const actual = sha256Hex(bytes);
    if (actual !== clip.sha256) {
      errors.push(electionError(at, 'audio-clip-mismatch', { ...named, actual }));
      return;
    }
    const layout = readWavLayout(bytes);
    if (typeof layout === 'string')
      errors.push(electionError(at, 'audio-clip-unplayable', { ...named, detail: layout }));
  });
  for (const needed of requiredPhrases(definition)) {
    if (!present.has(clipLookupKey(needed.phrase, needed.language)))
      errors.push(
        electionError('definition.audio', 'audio-phrase-missing', { phrase: needed.phrase, language: needed.language }),
      );
  }
  return errors;
}
