/**
 * A signed sample election in a station's data folder, made from deterministic
 * test keys: the authority key is pinned and the package stored exactly as a
 * station accepts one (main/election/election-store.ts).
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AUDIO_DIR, AudioManifestShape, clipFileName, type AudioManifest } from '../../core/audio/manifest';
import { serializeElectionPackage, signElectionPackage } from '../../core/election/package';
import { SAMPLE_ELECTION_ID, sampleElectionDefinition } from '../../core/election/sample';
import type { ElectionDefinition } from '../../core/election/definition';
import { utf8Encode } from '../../core/encoding/bytes';
import { SIGNATURE_TYPE_ED25519, formatVerifierKey } from '../../core/ledger/note';
import { loadElectionPackage, pinAuthorityKey } from '../../main/election/election-store';
import { provisionPollBookKey } from '../../main/station/pollbook';
import { authoritySigner, seedFor, testSampleKeys } from '../unit/election/sample-keys';

/** The poll-book HMAC key the test sample's voter lists are made with. */
export const TEST_POLLBOOK_KEY = seedFor('station/pollbook-key');

export const SAMPLE_ELECTION = SAMPLE_ELECTION_ID;

export function sampleDefinition(): ElectionDefinition {
  const made = sampleElectionDefinition({ ...testSampleKeys('station'), pollBookKey: TEST_POLLBOOK_KEY });
  if (!made.ok) throw new Error('the sample election definition is invalid');
  return made.value;
}

/** The signed sample package as it arrives on removable media. */
export function sampleElectionPackageText(definition: ElectionDefinition = sampleDefinition()): string {
  const signed = signElectionPackage(definition, authoritySigner('station/authority'));
  if (!signed.ok) throw new Error('cannot sign the sample election');
  return serializeElectionPackage(signed.value);
}

/** Provisioning without the package: the pinned authority key and the poll-book key. */
export function provisionSampleTrust(dataDir: string): void {
  const authority = authoritySigner('station/authority');
  const pinned = pinAuthorityKey(
    dataDir,
    formatVerifierKey(authority.name, SIGNATURE_TYPE_ED25519, authority.publicKey),
  );
  if (!pinned.ok)
    throw new Error(`cannot pin the sample authority: ${pinned.error.map((e) => e.message.en).join('; ')}`);
  provisionPollBookKey(dataDir, TEST_POLLBOOK_KEY);
}

/** Pins the sample authority, provisions the poll-book key and loads the signed sample package into `dataDir`. */
export function installSampleElection(dataDir: string, definition: ElectionDefinition = sampleDefinition()): void {
  provisionPollBookKey(dataDir, TEST_POLLBOOK_KEY);
  const authority = authoritySigner('station/authority');
  const pinned = pinAuthorityKey(
    dataDir,
    formatVerifierKey(authority.name, SIGNATURE_TYPE_ED25519, authority.publicKey),
  );
  if (!pinned.ok)
    throw new Error(`cannot pin the sample authority: ${pinned.error.map((e) => e.message.en).join('; ')}`);
  const signed = signElectionPackage(definition, authority);
  if (!signed.ok) throw new Error('cannot sign the sample election');
  const loaded = loadElectionPackage(
    { dataDir, pollsHaveOpened: () => false },
    utf8Encode(serializeElectionPackage(signed.value)),
  );
  if (!loaded.ok)
    throw new Error(`the sample election was refused: ${loaded.error.map((e) => e.message.en).join('; ')}`);
}

/** The sample election's audio ballot, as committed in assets/sample-audio/ (scripts/render-sample-audio.ts). */
export const SAMPLE_AUDIO_DIR = path.resolve('assets/sample-audio');

export function sampleAudioManifest(): AudioManifest {
  return AudioManifestShape.parse(JSON.parse(readFileSync(path.join(SAMPLE_AUDIO_DIR, 'manifest.json'), 'utf8')));
}

/** The sample definition with its audio ballot. */
export function sampleDefinitionWithAudio(): ElectionDefinition {
  return { ...sampleDefinition(), audio: sampleAudioManifest() };
}

/** Puts the sample's clips in `dir/audio/`, as they sit beside a package on the media or in a station's data folder. */
export function copySampleAudio(dir: string): void {
  mkdirSync(path.join(dir, AUDIO_DIR), { recursive: true });
  for (const clip of sampleAudioManifest().clips)
    copyFileSync(path.join(SAMPLE_AUDIO_DIR, `${clip.sha256}.wav`), path.join(dir, clipFileName(clip)));
}
