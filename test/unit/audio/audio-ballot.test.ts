import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AudioManifestShape, checkElectionAudio, clipLookupKey } from '../../../core/audio/manifest';
import { messageParts, requiredPhrases, voterMessageKeys } from '../../../core/audio/phrases';
import { clipStats, decodeWav, encodeMuLawWav, linearToMuLaw, muLawToLinear } from '../../../core/audio/wav';
import { LANGUAGES } from '../../../core/api/station-api';
import { sampleDefinition } from '../../support/election';

const SAMPLE_AUDIO = path.resolve('assets/sample-audio');
const manifest = AudioManifestShape.parse(JSON.parse(readFileSync(path.join(SAMPLE_AUDIO, 'manifest.json'), 'utf8')));
const readSampleClip = (name: string) => {
  const file = path.join(SAMPLE_AUDIO, path.basename(name));
  return existsSync(file) ? new Uint8Array(readFileSync(file)) : undefined;
};

describe('the audio ballot', () => {
  it('has every voter-facing message in both languages, as the catalog says it now', () => {
    // A new or reworded voter message fails here until the sample audio is rendered again
    // (node --import tsx scripts/render-sample-audio.ts).
    const clips = new Map(manifest.clips.map((c) => [clipLookupKey(c.phrase, c.language), c]));
    const missing: string[] = [];
    const keys = voterMessageKeys();
    expect(keys.length).toBeGreaterThan(60);
    for (const language of LANGUAGES)
      for (const key of keys)
        for (const part of messageParts(key, language)) {
          if (!('text' in part)) continue;
          const clip = clips.get(clipLookupKey(part.phrase, language));
          if (clip === undefined || (!key.startsWith('language.') && clip.text !== part.text))
            missing.push(`${language} ${part.phrase}`);
        }
    expect(missing).toEqual([]);
  });

  it('the sample election has every phrase it needs, and every clip is speech of a plausible length', () => {
    const definition = { ...sampleDefinition(), audio: manifest };
    expect(checkElectionAudio(definition, readSampleClip)).toEqual([]);
    expect(requiredPhrases(definition).length).toBe(manifest.clips.length);
    for (const clip of manifest.clips) {
      const decoded = decodeWav(readSampleClip(`${clip.sha256}.wav`) ?? new Uint8Array());
      if (typeof decoded === 'string') throw new Error(`${clip.phrase}: ${decoded}`);
      const stats = clipStats(decoded);
      expect(stats.rms, clip.phrase).toBeGreaterThan(0.02);
      // A single letter takes a few hundred milliseconds; about 14 characters a second for sentences.
      expect(stats.durationMs, clip.phrase).toBeGreaterThan(60);
      expect(stats.durationMs, clip.phrase).toBeLessThan(800 + clip.text.length * 160);
    }
  });

  it('refuses missing audio, a missing clip, an altered clip and a missing phrase, naming each', () => {
    const base = sampleDefinition();
    expect(checkElectionAudio(base, readSampleClip).map((e) => e.code)).toEqual(['audio-missing']);

    const title = manifest.clips.find((c) => c.phrase === 'contest:charter-amendment:title' && c.language === 'ru');
    if (title === undefined) throw new Error('the sample has no title clip');
    const altered = checkElectionAudio({ ...base, audio: manifest }, (name) => {
      const bytes = readSampleClip(name);
      if (bytes === undefined || !name.includes(title.sha256)) return bytes;
      const copy = bytes.slice();
      copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 1;
      return copy;
    });
    expect(altered.map((e) => e.code)).toEqual(['audio-clip-mismatch']);
    expect(altered[0]?.message.en).toContain('"contest:charter-amendment:title" (ru)');
    expect(altered[0]?.message.en).toContain(`audio/${title.sha256}.wav`);

    const gone = checkElectionAudio({ ...base, audio: manifest }, (name) =>
      name.includes(title.sha256) ? undefined : readSampleClip(name),
    );
    expect(gone.map((e) => e.message.en)).toEqual([
      expect.stringContaining(
        `the clip for phrase "contest:charter-amendment:title" (ru) is missing: audio/${title.sha256}.wav`,
      ),
    ]);

    const fewer = { ...manifest, clips: manifest.clips.filter((c) => c !== title) };
    const incomplete = checkElectionAudio({ ...base, audio: fewer }, readSampleClip);
    expect(incomplete.map((e) => e.message.en)).toEqual([
      expect.stringContaining('no audio for phrase "contest:charter-amendment:title" in ru'),
    ]);
  });

  it('µ-law round-trips within its quantization step and WAV decoding checks the format', () => {
    for (const sample of [0, 1, -1, 100, -100, 1000, -5000, 32_000, -32_000]) {
      const back = muLawToLinear(linearToMuLaw(sample));
      expect(Math.abs(back - sample)).toBeLessThanOrEqual(Math.max(8, Math.abs(sample) / 16));
    }
    const tone = Int16Array.from({ length: 8000 }, (_, i) =>
      Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)),
    );
    const decoded = decodeWav(encodeMuLawWav(tone, 8000));
    if (typeof decoded === 'string') throw new Error(decoded);
    const stats = clipStats(decoded);
    expect(stats.durationMs).toBe(1000);
    expect(stats.rms).toBeCloseTo(8000 / 32_768 / Math.SQRT2, 2);
    expect(decodeWav(new Uint8Array(40))).toBe('not a RIFF/WAVE file');
  });
});
