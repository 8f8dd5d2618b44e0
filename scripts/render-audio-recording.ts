/**
 * Writes docs/audio/first-screens-ru.wav: the first screens of a Russian audio
 * ballot of the sample election, made of the committed sample clips in the order
 * the kiosk says them (renderer/src/audio/speech.ts), with the player's gap
 * between clips. For people to listen to: `node --import tsx scripts/render-audio-recording.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AudioManifestShape, clipLookupKey } from '../core/audio/manifest';
import { CLIP_SAMPLE_RATE, clipStats, decodeWav, encodeMuLawWav } from '../core/audio/wav';
import { ballotViewFor } from '../core/election/ballot-view';
import { EMPTY_MARKS } from '../core/api/ballot';
import { contestSpeech, optionSpeech, say } from '../renderer/src/audio/speech';
import { sampleDefinition } from '../test/support/election';

const dir = path.resolve('assets/sample-audio');
const manifest = AudioManifestShape.parse(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')));
const clips = new Map(manifest.clips.map((c) => [clipLookupKey(c.phrase, c.language), c]));
const ballot = ballotViewFor(sampleDefinition(), 'style-district-1');
if (ballot === undefined) throw new Error('the sample has no style-district-1');
const [charter, council] = ballot.contests;
if (charter === undefined || council === undefined) throw new Error('the sample ballot has two contests');

const phrases = [
  ...say('audio.welcome', 'ru'),
  ...say('language.heading', 'ru'),
  ...say('audio.help.language', 'ru'),
  'msg:language.ru',
  ...contestSpeech(charter, 0, 2, EMPTY_MARKS, 'ru'),
  ...optionSpeech(charter, 'charter-yes', EMPTY_MARKS, 'ru'),
  ...say('audio.notMarked', 'ru'),
  ...contestSpeech(council, 1, 2, EMPTY_MARKS, 'ru'),
];
const gap = new Float32Array(Math.round(CLIP_SAMPLE_RATE * 0.12));
const parts: Float32Array[] = [];
for (const phrase of phrases) {
  const clip = clips.get(clipLookupKey(phrase, 'ru'));
  if (clip === undefined) throw new Error(`no clip for ${phrase}`);
  const decoded = decodeWav(new Uint8Array(readFileSync(path.join(dir, `${clip.sha256}.wav`))));
  if (typeof decoded === 'string') throw new Error(decoded);
  parts.push(decoded.samples, gap);
}
const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
let at = 0;
for (const part of parts) {
  all.set(part, at);
  at += part.length;
}
const wav = encodeMuLawWav(
  Int16Array.from(all, (s) => Math.round(s * 32_767)),
  CLIP_SAMPLE_RATE,
);
const out = path.resolve('docs/audio/first-screens-ru.wav');
writeFileSync(out, wav);
const decoded = decodeWav(wav);
if (typeof decoded === 'string') throw new Error(decoded);
const stats = clipStats(decoded);
process.stdout.write(
  `${out}: ${wav.length} bytes, ${(stats.durationMs / 1000).toFixed(1)} s, RMS ${stats.rms.toFixed(3)}, peak ${stats.peak.toFixed(3)}, ${phrases.length} phrases\n`,
);
