/**
 * Deterministic keys for election tests: every secret comes from a label, so a
 * failing case can be replayed exactly.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { GENERATOR, GroupElement, mod } from '../../../core/ballot/group';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { toBase64Url, utf8Encode } from '../../../core/encoding/bytes';
import { sha256 } from '../../../core/encoding/hash';
import {
  SIGNATURE_TYPE_COSIGNATURE_V1,
  SIGNATURE_TYPE_ED25519,
  ed25519NoteSigner,
  formatVerifierKey,
} from '../../../core/ledger/note';
import type { SampleKeys } from '../../../core/election/sample';

export function seedFor(label: string): Uint8Array {
  return sha256(utf8Encode(`urna-test/${label}`));
}

export function authoritySigner(label = 'authority') {
  return ed25519NoteSigner('svetlogorye-commission', seedFor(label));
}

export function testSampleKeys(label = 'sample'): SampleKeys {
  const authority = authoritySigner(`${label}/authority`);
  const cardIssuer = ed25519.getPublicKey(seedFor(`${label}/card-issuer`));
  const validators = ['commission', 'party-observers', 'civic-observers'].map((name, i) => ({
    name,
    verifierKey: formatVerifierKey(
      name,
      SIGNATURE_TYPE_COSIGNATURE_V1,
      ed25519.getPublicKey(seedFor(`${label}/validator/${name}`)),
    ),
    url: `https://validator-${i + 1}.svetlogorye.example/`,
  }));
  const secret = mod(bytesToNumberBE(seedFor(`${label}/joint-secret`)));
  return {
    authorityVerifierKey: formatVerifierKey(authority.name, SIGNATURE_TYPE_ED25519, authority.publicKey),
    pollWorkerCardIssuerKey: formatVerifierKey('svetlogorye-cards', SIGNATURE_TYPE_ED25519, cardIssuer),
    validators,
    jointPublicKey: GroupElement.of(GENERATOR.multiply(secret)).toBase64Url(),
    ceremonyRecordHash: toBase64Url(seedFor(`${label}/ceremony-record`)),
    guardians: { count: 5, threshold: 3 },
  };
}
