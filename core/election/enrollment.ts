/**
 * Station enrollment: the election authority vouches that a station key belongs to
 * a station serving one precinct of one election. Validators accept checkpoints only
 * from enrolled keys, and the verifier checks every station in the record this way.
 *
 * The enrollment is a signed note whose text is
 *   urna/station-enrollment/v1
 *   election <election id>
 *   station <station id>
 *   precinct <precinct id>
 *   key <station verifier key>
 * stored as enrollment.json: { "format": "urna/station-enrollment/v1", "note": "<signed note>" }.
 * The note is the only source of the fields, so the file cannot say one thing and
 * sign another.
 */
import { ID_PATTERN, type ElectionId, type PrecinctId, type StationId } from '../ids';
import {
  SIGNATURE_TYPE_ED25519,
  describeNoteError,
  keyIdHex,
  noteVerifierFromKey,
  openNote,
  parseNote,
  parseVerifierKey,
  signNote,
  type NoteSigner,
} from '../ledger/note';
import { stationKeyName } from '../ledger/checkpoint';
import { err, ok, type Result } from '../result';
import type { ElectionDefinition } from './definition';
import { electionError, type ElectionError } from './errors';

export const STATION_ENROLLMENT_FORMAT = 'urna/station-enrollment/v1';

export type StationEnrollment = {
  readonly electionId: ElectionId;
  readonly stationId: StationId;
  readonly precinctId: PrecinctId;
  /** `<name>+<key id>+<base64(0x01 ‖ public key)>`, as in station.vkey. */
  readonly stationVerifierKey: string;
};

export type EnrollmentFile = {
  readonly format: typeof STATION_ENROLLMENT_FORMAT;
  readonly note: string;
};

export function enrollmentNoteText(enrollment: StationEnrollment): string {
  return (
    `${STATION_ENROLLMENT_FORMAT}\n` +
    `election ${enrollment.electionId}\n` +
    `station ${enrollment.stationId}\n` +
    `precinct ${enrollment.precinctId}\n` +
    `key ${enrollment.stationVerifierKey}\n`
  );
}

function checkFields(enrollment: StationEnrollment, definition: ElectionDefinition | undefined): ElectionError[] {
  const errors: ElectionError[] = [];
  if (!ID_PATTERN.test(enrollment.electionId)) errors.push(electionError('electionId', 'bad-id'));
  if (!ID_PATTERN.test(enrollment.stationId)) errors.push(electionError('stationId', 'bad-id'));
  if (!ID_PATTERN.test(enrollment.precinctId)) errors.push(electionError('precinctId', 'bad-id'));
  const key = parseVerifierKey(enrollment.stationVerifierKey);
  if (!key.ok)
    errors.push(electionError('stationVerifierKey', 'bad-verifier-key', { reason: describeNoteError(key.error) }));
  else if (key.value.signatureType !== SIGNATURE_TYPE_ED25519)
    errors.push(electionError('stationVerifierKey', 'wrong-key-type', { expected: 'Ed25519 (0x01)' }));
  else if (ID_PATTERN.test(enrollment.electionId) && ID_PATTERN.test(enrollment.stationId)) {
    // The station signs its checkpoints under this name (core/ledger/checkpoint.ts): a key
    // made for another election or station would be refused by every validator later.
    const expected = stationKeyName(enrollment.electionId, enrollment.stationId);
    if (key.value.name !== expected)
      errors.push(
        electionError('stationVerifierKey', 'station-key-name-mismatch', { keyName: key.value.name, name: expected }),
      );
  }
  if (definition !== undefined) {
    if (enrollment.electionId !== definition.electionId) {
      errors.push(
        electionError('electionId', 'election-mismatch', {
          signed: enrollment.electionId,
          actual: definition.electionId,
        }),
      );
    }
    if (!definition.precincts.some((p) => p.id === enrollment.precinctId)) {
      errors.push(electionError('precinctId', 'unknown-precinct', { id: enrollment.precinctId }));
    }
  }
  return errors;
}

/**
 * The authority enrolls a station. With the definition at hand it also refuses a
 * precinct the election does not have, so a typo cannot produce a useless enrollment.
 */
export function enrollStation(
  enrollment: StationEnrollment,
  authority: NoteSigner,
  definition?: ElectionDefinition,
): Result<EnrollmentFile, ElectionError[]> {
  const errors = checkFields(enrollment, definition);
  if (errors.length > 0) return err(errors);
  return ok({ format: STATION_ENROLLMENT_FORMAT, note: signNote(enrollmentNoteText(enrollment), [authority]) });
}

function parseEnrollmentText(text: string): StationEnrollment | undefined {
  const lines = text.split('\n');
  if (lines.length !== 6 || lines[0] !== STATION_ENROLLMENT_FORMAT || lines[5] !== '') return undefined;
  const field = (line: string | undefined, name: string): string | undefined =>
    line?.startsWith(`${name} `) ? line.slice(name.length + 1) : undefined;
  const electionId = field(lines[1], 'election');
  const stationId = field(lines[2], 'station');
  const precinctId = field(lines[3], 'precinct');
  const stationVerifierKey = field(lines[4], 'key');
  if (
    electionId === undefined ||
    stationId === undefined ||
    precinctId === undefined ||
    stationVerifierKey === undefined
  )
    return undefined;
  return {
    electionId: electionId as ElectionId,
    stationId: stationId as StationId,
    precinctId: precinctId as PrecinctId,
    stationVerifierKey,
  };
}

export type EnrollmentTrust = {
  /** The election authority's verifier key (pinned, or from a verified package). */
  readonly authorityKey: string;
  /** When given, the enrollment must be for this election and one of its precincts. */
  readonly definition?: ElectionDefinition;
};

/**
 * What validators and verifiers call before accepting a station's key: the
 * enrollment must be signed by the authority and name a precinct of this election.
 */
export function verifyStationEnrollment(
  input: unknown,
  trust: EnrollmentTrust,
): Result<StationEnrollment, ElectionError[]> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return err([
      electionError('', 'wrong-type', { expected: 'object', received: Array.isArray(input) ? 'array' : typeof input }),
    ]);
  }
  const file = input as Record<string, unknown>;
  const errors: ElectionError[] = [];
  for (const key of Object.keys(file))
    if (key !== 'format' && key !== 'note') errors.push(electionError(key, 'unknown-field'));
  if (file.format !== STATION_ENROLLMENT_FORMAT) {
    errors.push(
      electionError('format', file.format === undefined ? 'required' : 'invalid-value', {
        values: JSON.stringify(STATION_ENROLLMENT_FORMAT),
      }),
    );
  }
  if (typeof file.note !== 'string' || file.note === '') {
    errors.push(
      file.note === undefined || file.note === ''
        ? electionError('note', 'not-signed')
        : electionError('note', 'wrong-type', { expected: 'string', received: typeof file.note }),
    );
  }
  if (errors.length > 0 || typeof file.note !== 'string') return err(errors);

  const verifier = noteVerifierFromKey(trust.authorityKey);
  if (!verifier.ok) return err([electionError('', 'bad-authority-key', { detail: describeNoteError(verifier.error) })]);
  const parsed = parseNote(file.note);
  if (!parsed.ok) return err([electionError('note', 'malformed-note', { detail: describeNoteError(parsed.error) })]);
  const opened = openNote(file.note, [verifier.value]);
  if (!opened.ok) {
    return err([
      opened.error.kind === 'no-verified-signature'
        ? electionError('note', 'not-signed-by-authority', {
            keyId: `${verifier.value.name}+${keyIdHex(verifier.value.keyId)}`,
          })
        : electionError('note', 'bad-signature', { detail: describeNoteError(opened.error) }),
    ]);
  }
  const enrollment = parseEnrollmentText(opened.value.text);
  if (enrollment === undefined)
    return err([electionError('note', 'malformed-note', { detail: 'the signed text is not a station enrollment' })]);
  const fieldErrors = checkFields(enrollment, trust.definition);
  return fieldErrors.length > 0 ? err(fieldErrors) : ok(enrollment);
}
