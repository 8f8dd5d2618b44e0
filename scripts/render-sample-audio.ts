/**
 * Re-renders the sample election's audio ballot into assets/sample-audio/ (the
 * clips `urna election sample`, the demo station and the tests use), reusing the
 * clips whose text is unchanged. Run after changing a voter-facing message or the
 * sample's contests: `node --import tsx scripts/render-sample-audio.ts`.
 * Needs espeak-ng only for changed phrases.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CEREMONY_PLACEHOLDER_HASH, CEREMONY_PLACEHOLDER_KEY } from '../core/election/package';
import { sampleElectionDefinition } from '../core/election/sample';
import { formatVerifierKey, SIGNATURE_TYPE_COSIGNATURE_V1, SIGNATURE_TYPE_ED25519 } from '../core/ledger/note';
import { readEarlierAudio, renderElectionAudio } from '../cli/election-audio';
import { AUDIO_DIR } from '../core/audio/manifest';

const dir = path.resolve('assets/sample-audio');
const key = new Uint8Array(32).fill(7);
const definition = sampleElectionDefinition({
  authorityVerifierKey: formatVerifierKey('sample', SIGNATURE_TYPE_ED25519, key),
  pollWorkerCardIssuerKey: formatVerifierKey('cards', SIGNATURE_TYPE_ED25519, key),
  validators: [
    { name: 'v', verifierKey: formatVerifierKey('v', SIGNATURE_TYPE_COSIGNATURE_V1, key), url: 'http://v/' },
  ],
  jointPublicKey: CEREMONY_PLACEHOLDER_KEY,
  ceremonyRecordHash: CEREMONY_PLACEHOLDER_HASH,
  guardians: { count: 1, threshold: 1 },
});
if (!definition.ok) throw new Error('the sample definition is invalid');
mkdirSync(dir, { recursive: true });
const tmp = path.join(dir, '.render');
const result = renderElectionAudio(definition.value, tmp, readEarlierAudio(dir));
// The committed folder holds exactly the manifest's clips, flat.
for (const name of readdirSync(dir)) if (name.endsWith('.wav')) rmSync(path.join(dir, name));
for (const clip of result.manifest.clips) {
  const from = path.join(tmp, AUDIO_DIR, `${clip.sha256}.wav`);
  const to = path.join(dir, `${clip.sha256}.wav`);
  copyFileSync(from, to);
}
rmSync(tmp, { recursive: true, force: true });
writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(result.manifest, null, 1)}\n`);
process.stdout.write(`${result.manifest.clips.length} clips: ${result.rendered} rendered, ${result.reused} reused\n`);
