/**
 * What a validator trusts, fixed when it starts: the election package (verified
 * under the pinned authority key), the manifest of every ballot style, and the
 * enrolled stations with their keys and precincts. Nothing here changes while the
 * validator runs, so every check reads it without locking.
 */
import { createElectionContext, GroupElement, type BallotManifest, type ElectionContext } from '../core/ballot';
import { describeElectionErrors, type ElectionError } from '../core/election/errors';
import type { ElectionDefinition } from '../core/election/definition';
import { verifyStationEnrollment, type StationEnrollment } from '../core/election/enrollment';
import { toBallotManifest } from '../core/election/manifest';
import { electionExtendedBaseHash, verifyElectionPackage } from '../core/election/package';
import type { ElectionId, PrecinctId, StationId } from '../core/ids';
import { stationKeyName } from '../core/ledger/checkpoint';
import { noteVerifierFromKey, type NoteVerifier } from '../core/ledger/note';
import { err, ok, type Result } from '../core/result';

export type EnrolledStation = {
  readonly stationId: StationId;
  readonly precinctId: PrecinctId;
  readonly verifierKey: string;
  readonly verifier: NoteVerifier;
  /** The authority's signed enrollment as it was given: the board serves it so that anyone can check this key. */
  readonly enrollmentJson: unknown;
  /** Ballot styles this station's precinct may use. */
  readonly ballotStyleIds: ReadonlySet<string>;
};

export type ValidatorElection = {
  readonly electionId: ElectionId;
  readonly definition: ElectionDefinition;
  /** The signed package as it was given: the board serves it, and a checker verifies it against the authority's key. */
  readonly packageJson: unknown;
  /** The election base hash (docs/SPEC.md §2.2), shown to people with formatBaseHashForDisplay. */
  readonly baseHash: Uint8Array;
  readonly context: ElectionContext;
  readonly extendedBaseHash: Uint8Array;
  readonly manifests: ReadonlyMap<string, BallotManifest>;
  readonly stations: ReadonlyMap<StationId, EnrolledStation>;
  /** With a station manifest (station-manifest.ts): enrolled stations it does not list, refused as `station-not-listed`. */
  readonly unlisted?: ReadonlySet<StationId>;
  readonly stationManifestVersion?: number;
};

export type TrustError = { readonly what: string; readonly message: string };

function describe(errors: readonly ElectionError[]): string {
  return describeElectionErrors(errors, 'en');
}

/**
 * Verifies the package and every enrollment. One bad enrollment stops the start:
 * a validator that silently dropped a station would refuse all its ballots later,
 * far from the cause.
 */
export function loadValidatorElection(input: {
  readonly packageJson: unknown;
  readonly authorityKey: string;
  readonly enrollments: readonly { readonly source: string; readonly json: unknown }[];
}): Result<ValidatorElection, TrustError> {
  const verified = verifyElectionPackage(input.packageJson, { authorityKey: input.authorityKey });
  if (!verified.ok) return err({ what: 'election package', message: describe(verified.error) });
  const definition = verified.value.definition;
  const jointKey = GroupElement.fromBase64Url(definition.guardians.jointPublicKey);
  if (!jointKey.ok) return err({ what: 'election package', message: 'the joint public key is not a group element' });
  const extendedBaseHash = electionExtendedBaseHash(definition);
  const context = createElectionContext(extendedBaseHash, jointKey.value);

  const manifests = new Map<string, BallotManifest>();
  for (const style of definition.ballotStyles) {
    const manifest = toBallotManifest(definition, style.id);
    if (!manifest.ok)
      return err({ what: 'election package', message: `ballot style ${style.id}: ${manifest.error.kind}` });
    manifests.set(style.id, manifest.value);
  }

  const stations = new Map<StationId, EnrolledStation>();
  for (const { source, json } of input.enrollments) {
    const enrollment = verifyStationEnrollment(json, { authorityKey: input.authorityKey, definition });
    if (!enrollment.ok) return err({ what: `enrollment ${source}`, message: describe(enrollment.error) });
    const station = enrolledStation(definition, enrollment.value, json);
    if (!station.ok) return err({ what: `enrollment ${source}`, message: station.error });
    const earlier = stations.get(station.value.stationId);
    if (earlier !== undefined && earlier.verifierKey !== station.value.verifierKey) {
      return err({
        what: `enrollment ${source}`,
        message: `station ${station.value.stationId} is enrolled twice with different keys`,
      });
    }
    stations.set(station.value.stationId, station.value);
  }
  return ok({
    electionId: definition.electionId,
    definition,
    packageJson: input.packageJson,
    baseHash: verified.value.baseHash,
    context,
    extendedBaseHash,
    manifests,
    stations,
  });
}

function enrolledStation(
  definition: ElectionDefinition,
  enrollment: StationEnrollment,
  enrollmentJson: unknown,
): Result<EnrolledStation, string> {
  const verifier = noteVerifierFromKey(enrollment.stationVerifierKey);
  if (!verifier.ok) return err('the station key is not an Ed25519 note key');
  const expectedName = stationKeyName(enrollment.electionId, enrollment.stationId);
  if (verifier.value.name !== expectedName) {
    return err(`the station key is named ${verifier.value.name}, expected ${expectedName}`);
  }
  const ballotStyleIds = new Set(
    definition.ballotStyles.filter((s) => s.precinctIds.includes(enrollment.precinctId)).map((s) => s.id),
  );
  return ok({
    stationId: enrollment.stationId,
    precinctId: enrollment.precinctId,
    verifierKey: enrollment.stationVerifierKey,
    verifier: verifier.value,
    enrollmentJson,
    ballotStyleIds,
  });
}
