/**
 * What `urna verify` requires of guardians/key-ceremony.json: a ceremony held for
 * this very election definition (its ceremony base hash), and every guardian's
 * acceptance of the transcript.
 */
import { describe, expect, it } from 'vitest';
import { keyCeremonyToRecord, runLocalCeremony, type KeyCeremonyRecord } from '../../../core/ballot';
import { deterministicRandom } from '../../../core/ballot/random';
import type { Bytes } from '../../../core/encoding/bytes';
import type { ElectionDefinition } from '../../../core/election/definition';
import {
  CEREMONY_PLACEHOLDER_HASH,
  CEREMONY_PLACEHOLDER_KEY,
  electionCeremonyBaseHash,
  parseDefinitionBeforeCeremony,
  serializeElectionPackage,
  signElectionPackage,
} from '../../../core/election/package';
import { sampleElectionDefinition } from '../../../core/election/sample';
import type { GuardianId } from '../../../core/ids';
import { ceremonyRecordHash, openRecordCeremony, openRecordElection } from '../../../core/record/election';
import { authoritySigner, testSampleKeys } from '../election/sample-keys';

const keys = testSampleKeys('ceremony-binding');
const guardianIds = ['guardian-1', 'guardian-2', 'guardian-3'] as GuardianId[];

function draft(title?: string): ElectionDefinition {
  const d = sampleElectionDefinition({
    ...keys,
    jointPublicKey: CEREMONY_PLACEHOLDER_KEY,
    ceremonyRecordHash: CEREMONY_PLACEHOLDER_HASH,
    guardians: { count: 3, threshold: 2 },
  });
  if (!d.ok) throw new Error('draft');
  return title === undefined ? d.value : { ...d.value, title: { ...d.value.title, en: title } };
}

function ceremonyFor(baseHash: Bytes, seed = 'ceremony-binding'): KeyCeremonyRecord {
  const held = runLocalCeremony({ baseHash, guardianIds, threshold: 2 }, deterministicRandom(seed));
  if (!held.ok) throw new Error('ceremony');
  return held.value.record;
}

/** The signed package of `definition` with this ceremony's key and record hash; and the record's JSON. */
function election(definition: ElectionDefinition, ceremony: KeyCeremonyRecord) {
  const json = JSON.parse(JSON.stringify(keyCeremonyToRecord(ceremony))) as unknown;
  const final: ElectionDefinition = {
    ...definition,
    guardians: {
      ...definition.guardians,
      jointPublicKey: ceremony.jointKey.toBase64Url(),
      ceremonyRecordHash: ceremonyRecordHash(json),
    },
  };
  const signed = signElectionPackage(final, authoritySigner('ceremony-binding/authority'));
  if (!signed.ok) throw new Error('sign');
  const opened = openRecordElection(JSON.parse(serializeElectionPackage(signed.value)));
  if (!opened.ok) throw new Error(opened.error.message);
  return { election: opened.value, json };
}

describe('the key ceremony in the record', () => {
  it('is accepted when held for the definition as it stood before the ceremony', () => {
    const definition = draft();
    const ceremony = ceremonyFor(electionCeremonyBaseHash(definition));
    const { election: e, json } = election(definition, ceremony);
    expect(openRecordCeremony(e, json).ok).toBe(true);
    // The base hash leaves the ceremony's own outputs out, so it is the same before and after they are filled in.
    expect(electionCeremonyBaseHash(e.definition)).toEqual(electionCeremonyBaseHash(definition));
    const parsed = parseDefinitionBeforeCeremony(
      JSON.parse(JSON.stringify({ ...definition, guardians: { count: 3, threshold: 2 } })),
    );
    if (!parsed.ok) throw new Error('parse');
    expect(electionCeremonyBaseHash(parsed.value)).toEqual(electionCeremonyBaseHash(definition));
  });

  it('is refused when held for another definition, even re-signed into this package', () => {
    const ceremony = ceremonyFor(electionCeremonyBaseHash(draft('Another election')));
    const { election: e, json } = election(draft(), ceremony);
    const opened = openRecordCeremony(e, json);
    expect(opened.ok).toBe(false);
    if (!opened.ok)
      expect(opened.error).toMatchObject({
        check: 'ceremony-binding',
        message: expect.stringContaining('held for another definition') as unknown,
      });
  });

  it('is refused without every acceptance, naming the guardian', () => {
    const definition = draft();
    const ceremony = ceremonyFor(electionCeremonyBaseHash(definition));
    const others = ceremonyFor(electionCeremonyBaseHash(definition), 'another run');
    // guardian-2's acceptance is one from another run of the ceremony: a signature, but not on this transcript.
    const mixed: KeyCeremonyRecord = {
      ...ceremony,
      acceptances: ceremony.acceptances.map((a, i) => (i === 1 ? (others.acceptances[1] ?? a) : a)),
    };
    const { election: e, json } = election(definition, mixed);
    const opened = openRecordCeremony(e, json);
    expect(opened.ok).toBe(false);
    if (!opened.ok) expect(opened.error).toMatchObject({ check: 'ceremony-record', guardianId: 'guardian-2' });
  });
});
