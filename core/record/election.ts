/**
 * The trust an election record starts from: the signed package (its definition,
 * base hash, ballot manifests, validators and threshold) and the key ceremony the
 * package commits to. Everything else in the record is checked against these.
 */
import {
  createElectionContext,
  GroupElement,
  parseKeyCeremony,
  verifyCeremonyRecord,
  type BallotManifest,
  type ElectionContext,
  type KeyCeremonyRecord,
} from '../ballot';
import { bytesEqual, toBase64Url, type Bytes } from '../encoding/bytes';
import { canonicalBytes } from '../encoding/canonical-json';
import { sha256 } from '../encoding/hash';
import { ballotStylesForPrecinct, type ElectionDefinition } from '../election/definition';
import { describeElectionErrors } from '../election/errors';
import { toBallotManifest } from '../election/manifest';
import {
  electionCeremonyBaseHash,
  electionExtendedBaseHash,
  verifyElectionPackage,
  type PackageTrust,
} from '../election/package';
import type { PrecinctId, StationId } from '../ids';
import { parseVerifierKey, SIGNATURE_TYPE_COSIGNATURE_V1 } from '../ledger/note';
import { err, ok, type Result } from '../result';
import type { RecordFailure } from './failure';

export type RecordValidator = { readonly name: string; readonly verifierKey: string; readonly publicKey: Bytes };

export type RecordElection = {
  readonly definition: ElectionDefinition;
  readonly baseHash: Bytes;
  readonly extendedBaseHash: Bytes;
  readonly context: ElectionContext;
  readonly manifests: ReadonlyMap<string, BallotManifest>;
  readonly validators: readonly RecordValidator[];
  /** Cosignatures a checkpoint needs from distinct validators of the package. */
  readonly validatorThreshold: number;
};

/** Verifies election.json (signature, base hash) and derives what every later check needs. */
export function openRecordElection(
  packageJson: unknown,
  trust: PackageTrust = { authorityKey: 'self' },
): Result<RecordElection, RecordFailure> {
  const fail = (message: string): Result<never, RecordFailure> =>
    err({ check: 'election-package', file: 'election.json', message });
  const verified = verifyElectionPackage(packageJson, trust);
  if (!verified.ok) return fail(describeElectionErrors(verified.error, 'en'));
  const { definition, baseHash } = verified.value;
  const jointKey = GroupElement.fromBase64Url(definition.guardians.jointPublicKey);
  if (!jointKey.ok) return fail('the joint public key is not a group element');
  const extendedBaseHash = electionExtendedBaseHash(definition);
  const manifests = new Map<string, BallotManifest>();
  for (const style of definition.ballotStyles) {
    const manifest = toBallotManifest(definition, style.id);
    if (!manifest.ok) return fail(`ballot style ${style.id}: ${manifest.error.kind}`);
    manifests.set(style.id, manifest.value);
  }
  const validators: RecordValidator[] = [];
  for (const member of definition.validators.members) {
    const key = parseVerifierKey(member.verifierKey);
    if (!key.ok || key.value.signatureType !== SIGNATURE_TYPE_COSIGNATURE_V1 || key.value.name !== member.name) {
      return fail(`validator ${member.name}: not a cosignature/v1 key named after the validator`);
    }
    validators.push({ name: member.name, verifierKey: member.verifierKey, publicKey: key.value.publicKey });
  }
  return ok({
    definition,
    baseHash,
    extendedBaseHash,
    context: createElectionContext(extendedBaseHash, jointKey.value),
    manifests,
    validators,
    validatorThreshold: definition.validators.threshold,
  });
}

/** SHA-256 of the ceremony record's canonical JSON: what the package's ceremonyRecordHash commits to. */
export function ceremonyRecordHash(ceremonyJson: unknown): string {
  return toBase64Url(sha256(canonicalBytes(ceremonyJson)));
}

/**
 * Checks guardians/key-ceremony.json: every proof in it, and that it is the ceremony
 * the package names (its hash, guardian count, threshold and joint key).
 */
export function openRecordCeremony(
  election: RecordElection,
  ceremonyJson: unknown,
): Result<KeyCeremonyRecord, RecordFailure> {
  const file = 'guardians/key-ceremony.json';
  const parsed = parseKeyCeremony(ceremonyJson);
  if (!parsed.ok)
    return err({
      check: 'ceremony-record',
      file,
      message: `not a key-ceremony record: ${JSON.stringify(parsed.error)}`,
    });
  const verified = verifyCeremonyRecord(parsed.value);
  if (!verified.ok) {
    const who = verified.error.guardianId === undefined ? '' : ` (guardian ${verified.error.guardianId})`;
    const what =
      verified.error.check === 'acceptance'
        ? `guardian acceptance missing, or not a signature on this transcript${who}`
        : `ceremony check ${verified.error.check} fails${who}`;
    return err({
      check: 'ceremony-record',
      file,
      message: what,
      ...(verified.error.guardianId === undefined ? {} : { guardianId: verified.error.guardianId }),
    });
  }
  const { guardians } = election.definition;
  const binding = (message: string): Result<never, RecordFailure> => err({ check: 'ceremony-binding', file, message });
  if (ceremonyRecordHash(ceremonyJson) !== guardians.ceremonyRecordHash)
    return binding('its SHA-256 is not the ceremonyRecordHash the election package signs');
  if (!bytesEqual(parsed.value.baseHash, electionCeremonyBaseHash(election.definition))) {
    return binding("its base hash is not this election's: the ceremony was held for another definition");
  }
  if (parsed.value.guardians.length !== guardians.count)
    return binding(`it has ${parsed.value.guardians.length} guardians, the package says ${guardians.count}`);
  if (parsed.value.threshold !== guardians.threshold)
    return binding(`its threshold is ${parsed.value.threshold}, the package says ${guardians.threshold}`);
  if (parsed.value.jointKey.toBase64Url() !== guardians.jointPublicKey)
    return binding('its joint key is not the joint public key of the package');
  return ok(parsed.value);
}

/** A station as the record knows it after its enrollment verified. */
export type RecordStation = {
  readonly stationId: StationId;
  readonly precinctId: PrecinctId;
  readonly verifierKey: string;
  /** Ballot styles of the station's precinct. */
  readonly ballotStyleIds: ReadonlySet<string>;
};

export function ballotStylesOfPrecinct(definition: ElectionDefinition, precinctId: string): ReadonlySet<string> {
  return new Set(ballotStylesForPrecinct(definition, precinctId).map((s) => s.id));
}
