/**
 * The demonstration election: the sample election (core/election/sample.ts) signed
 * with deterministic demo keys, with the demo card set's issuer key as its
 * poll-worker card issuer, so the demo worker card (PIN 1234) and official card
 * (PIN 5678) in the card-reader simulator sign in, and a poll-book key so the
 * sample voter roll can check in. Every demo secret is derived from a public
 * label: a demo station proves nothing and must never hold a real election.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AudioManifestShape, type AudioManifest } from '../../core/audio/manifest';
import { GENERATOR, GroupElement, mod } from '../../core/ballot/group';
import { toBase64Url, utf8Encode } from '../../core/encoding/bytes';
import { sha256 } from '../../core/encoding/hash';
import { serializeElectionPackage, signElectionPackage } from '../../core/election/package';
import { SAMPLE_ELECTION_ID, sampleElectionDefinition, type SampleKeys } from '../../core/election/sample';
import type { ElectionId } from '../../core/ids';
import type { EventLogger } from '../../core/logging';
import {
  ed25519NoteSigner,
  formatVerifierKey,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  SIGNATURE_TYPE_ED25519,
} from '../../core/ledger/note';
import { buildCardSet, demoCardSetFile } from '../../hardware/sim/card-set';
import {
  ELECTION_PACKAGE_FILE,
  loadElectionPackage,
  pinAuthorityKey,
  writeFileAtomically,
} from '../election/election-store';
import { checkAudioInFolder, copyAudioClips } from '../election/election-audio';
import { provisionPollBookKey } from './pollbook';

export const DEMO_ELECTION_ID: ElectionId = SAMPLE_ELECTION_ID;
/** The precinct a demo station serves: its voters get the three-seat ballot with a write-in line. */
export const DEMO_PRECINCT_ID = 'uik-1202';

export const DEMO_NOTICE_FILE = 'DEMO-KEYS-PROVE-NOTHING.txt';
const DEMO_NOTICE =
  'DEMO KEYS PROVE NOTHING: every key of this demo election (authority, validators, the joint election key) is derived from a public label, so anyone can sign as its authority and decrypt its ballots. Never use a demo station for a real election.';

function demoSecret(label: string): Uint8Array {
  return sha256(utf8Encode(`urna-demo-election/${label}`));
}

export function demoPollBookKey(): Uint8Array {
  return demoSecret('pollbook-key');
}

function demoKeys(): { keys: SampleKeys; authority: ReturnType<typeof ed25519NoteSigner> } {
  const authority = ed25519NoteSigner('demo-commission', demoSecret('authority'));
  const cards = buildCardSet(demoCardSetFile());
  const validators = ['demo-commission-validator', 'demo-party-validator', 'demo-observer-validator'].map(
    (name, i) => ({
      name,
      verifierKey: formatVerifierKey(
        name,
        SIGNATURE_TYPE_COSIGNATURE_V1,
        ed25519.getPublicKey(demoSecret(`validator/${name}`)),
      ),
      url: `http://127.0.0.1:${8401 + i}/`,
    }),
  );
  const jointSecret = mod(bytesToNumberBE(demoSecret('joint-secret')));
  return {
    authority,
    keys: {
      authorityVerifierKey: formatVerifierKey(authority.name, SIGNATURE_TYPE_ED25519, authority.publicKey),
      pollWorkerCardIssuerKey: formatVerifierKey('demo-cards', SIGNATURE_TYPE_ED25519, cards.cardIssuerPublicKey),
      validators,
      jointPublicKey: GroupElement.of(GENERATOR.multiply(jointSecret)).toBase64Url(),
      ceremonyRecordHash: toBase64Url(demoSecret('ceremony-record')),
      guardians: { count: 3, threshold: 2 },
      pollBookKey: demoPollBookKey(),
    },
  };
}

/**
 * The sample's committed audio ballot (assets/sample-audio/: manifest.json and the
 * clips, flat), if it is there and complete for the sample election.
 */
function sampleAudio(dir: string): { manifest: AudioManifest; dir: string } | undefined {
  const file = path.join(dir, 'manifest.json');
  if (!existsSync(file)) return undefined;
  const parsed = AudioManifestShape.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  const definition = sampleElectionDefinition(demoKeys().keys);
  if (!parsed.success || !definition.ok) return undefined;
  if (checkAudioInFolder(dir, { ...definition.value, audio: parsed.data }, true).length > 0) return undefined;
  return { manifest: parsed.data, dir };
}

/** The signed demo package, as it would arrive on removable media. */
export function demoElectionPackageText(audio?: AudioManifest): string {
  const { keys, authority } = demoKeys();
  const definition = sampleElectionDefinition(keys);
  if (!definition.ok) throw new Error('invariant failed: the demo election definition is invalid');
  const signed = signElectionPackage(
    audio === undefined ? definition.value : { ...definition.value, audio },
    authority,
  );
  if (!signed.ok) throw new Error('invariant failed: the demo election package cannot be signed');
  return serializeElectionPackage(signed.value);
}

/**
 * Provisions a demo station's data folder: pins the demo authority, provisions the
 * poll-book key, loads the signed package, and leaves a copy on the demo
 * "removable media" folder as a real station would find it.
 */
export function provisionDemoElection(dataDir: string, mediaDir: string, logger: EventLogger, audioDir?: string): void {
  const { keys } = demoKeys();
  const pinned = pinAuthorityKey(dataDir, keys.authorityVerifierKey, logger);
  if (!pinned.ok)
    throw new Error(`the demo authority key was not pinned: ${pinned.error.map((e) => e.message.en).join('; ')}`);
  provisionPollBookKey(dataDir, demoPollBookKey());
  const audio = audioDir === undefined ? undefined : sampleAudio(audioDir);
  const text = demoElectionPackageText(audio?.manifest);
  if (audio !== undefined) {
    copyAudioClips(audio.dir, mediaDir, audio.manifest);
    copyAudioClips(audio.dir, dataDir, audio.manifest);
  }
  writeFileAtomically(path.join(mediaDir, ELECTION_PACKAGE_FILE), text);
  writeFileAtomically(path.join(mediaDir, DEMO_NOTICE_FILE), `${DEMO_NOTICE}\n`);
  // The store's own lines would say again what station.demo-election-provisioned says.
  const loaded = loadElectionPackage({ dataDir, pollsHaveOpened: () => false }, utf8Encode(text));
  if (!loaded.ok) throw new Error(`the demo election was refused: ${loaded.error.map((e) => e.message.en).join('; ')}`);
  logger.log('station.demo-election-provisioned', {
    electionId: DEMO_ELECTION_ID,
    baseHash: loaded.value.baseHashForDisplay,
  });
}
