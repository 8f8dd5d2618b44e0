import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  enrollStation,
  enrollmentNoteText,
  STATION_ENROLLMENT_FORMAT,
  verifyStationEnrollment,
  type StationEnrollment,
} from '../../../core/election/enrollment';
import { sampleElectionDefinition } from '../../../core/election/sample';
import type { ElectionId, PrecinctId, StationId } from '../../../core/ids';
import {
  SIGNATURE_TYPE_COSIGNATURE_V1,
  SIGNATURE_TYPE_ED25519,
  formatVerifierKey,
  signNote,
} from '../../../core/ledger/note';
import { authoritySigner, seedFor, testSampleKeys } from './sample-keys';

const authority = authoritySigner('sample/authority');
const authorityKey = formatVerifierKey(authority.name, SIGNATURE_TYPE_ED25519, authority.publicKey);
const made = sampleElectionDefinition(testSampleKeys('sample'));
if (!made.ok) throw new Error('sample invalid');
const definition = made.value;

const stationKey = formatVerifierKey(
  'urna/svetlogorye-2026-09/uik-1201-a',
  SIGNATURE_TYPE_ED25519,
  ed25519.getPublicKey(seedFor('station-a')),
);
const enrollment: StationEnrollment = {
  electionId: definition.electionId,
  stationId: 'uik-1201-a' as StationId,
  precinctId: 'uik-1201' as PrecinctId,
  stationVerifierKey: stationKey,
};

function enrolled() {
  const file = enrollStation(enrollment, authority, definition);
  if (!file.ok) throw new Error(file.error.map((e) => e.message.en).join('\n'));
  return file.value;
}

describe('station enrollment', () => {
  it('verifies for validators and verifiers, yielding the enrolled fields', () => {
    const checked = verifyStationEnrollment(JSON.parse(JSON.stringify(enrolled())), { authorityKey, definition });
    expect(checked).toEqual({ ok: true, value: enrollment });
  });

  it('is refused when signed by a key other than the authority', () => {
    const other = enrollStation(enrollment, authoritySigner('impostor'), definition);
    expect(other.ok).toBe(true);
    if (!other.ok) return;
    const checked = verifyStationEnrollment(other.value, { authorityKey, definition });
    expect(checked.ok ? [] : checked.error.map((e) => e.code)).toEqual(['not-signed-by-authority']);
  });

  it('is refused when its text is altered, e.g. to move the station to another precinct', () => {
    const file = enrolled();
    const moved = { ...file, note: file.note.replace('precinct uik-1201', 'precinct uik-1202') };
    const checked = verifyStationEnrollment(moved, { authorityKey, definition });
    expect(checked.ok ? [] : checked.error.map((e) => e.code)).toEqual(['bad-signature']);
  });

  it('is refused without a signature', () => {
    const file = enrolled();
    const stripped = { ...file, note: file.note.slice(0, file.note.indexOf('\n\n') + 1) };
    expect(verifyStationEnrollment(stripped, { authorityKey }).ok).toBe(false);
    expect(verifyStationEnrollment({ format: file.format }, { authorityKey })).toMatchObject({
      ok: false,
      error: [{ path: 'note', code: 'not-signed' }],
    });
  });

  it('is refused for another election or a precinct the election does not have', () => {
    const foreignKey = formatVerifierKey(
      'urna/other-2026/uik-1201-a',
      SIGNATURE_TYPE_ED25519,
      ed25519.getPublicKey(seedFor('station-a')),
    );
    const foreign = enrollStation(
      { ...enrollment, electionId: 'other-2026' as ElectionId, stationVerifierKey: foreignKey },
      authority,
    );
    expect(foreign.ok).toBe(true);
    if (!foreign.ok) return;
    const checked = verifyStationEnrollment(foreign.value, { authorityKey, definition });
    expect(checked.ok ? [] : checked.error.map((e) => [e.path, e.code])).toEqual([['electionId', 'election-mismatch']]);
    const nowhere = enrollStation({ ...enrollment, precinctId: 'uik-9999' as PrecinctId }, authority, definition);
    expect(nowhere.ok ? [] : nowhere.error.map((e) => [e.path, e.code])).toEqual([['precinctId', 'unknown-precinct']]);
  });

  it('refuses to enroll a key that is not an Ed25519 station key', () => {
    const cosigningKey = formatVerifierKey('v', SIGNATURE_TYPE_COSIGNATURE_V1, ed25519.getPublicKey(seedFor('v')));
    const refused = enrollStation({ ...enrollment, stationVerifierKey: cosigningKey }, authority, definition);
    expect(refused.ok ? [] : refused.error.map((e) => e.code)).toEqual(['wrong-key-type']);
    const garbage = enrollStation({ ...enrollment, stationVerifierKey: 'not a key' }, authority, definition);
    expect(garbage.ok ? [] : garbage.error.map((e) => e.code)).toEqual(['bad-verifier-key']);
  });

  it('refuses a station key named for another election or another station, naming both names', () => {
    for (const name of ['urna/other-2026/uik-1201-a', 'urna/svetlogorye-2026-09/uik-1202-b']) {
      const key = formatVerifierKey(name, SIGNATURE_TYPE_ED25519, ed25519.getPublicKey(seedFor('station-a')));
      const refused = enrollStation({ ...enrollment, stationVerifierKey: key }, authority, definition);
      expect(refused.ok ? [] : refused.error.map((e) => [e.path, e.code])).toEqual([
        ['stationVerifierKey', 'station-key-name-mismatch'],
      ]);
      expect(refused.ok ? '' : refused.error[0]?.message.en).toContain(
        `named "${name}", but this station's key must be named "urna/svetlogorye-2026-09/uik-1201-a"`,
      );
      // An enrollment signed with such a key anyway (by an older tool) fails the check too.
      const signed = {
        format: STATION_ENROLLMENT_FORMAT,
        note: signNote(enrollmentNoteText({ ...enrollment, stationVerifierKey: key }), [authority]),
      };
      const checked = verifyStationEnrollment(signed, { authorityKey, definition });
      expect(checked.ok ? [] : checked.error.map((e) => e.code)).toEqual(['station-key-name-mismatch']);
    }
  });
});
