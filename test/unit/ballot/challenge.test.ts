import { describe, expect, it } from 'vitest';
import {
  type BallotBinding,
  type BallotId,
  type BallotManifest,
  challengedBallotToRecord,
  confirmationSeed,
  deterministicRandom,
  encryptBallot,
  encryptedBallotToRecord,
  nextConfirmationCode,
  parseChallengedBallot,
  parseEncryptedBallot,
  recordToCanonicalJson,
  verifyChallengedBallot,
} from '../../../core/ballot';
import { toBase64Url } from '../../../core/encoding/bytes';
import type { ContestId, SelectionId, StationId } from '../../../core/ids';
import { setUpElection } from './helpers';

const manifest: BallotManifest = {
  contests: [
    { contestId: 'referendum' as ContestId, limit: 1, selections: ['yes', 'no'] as SelectionId[] },
    { contestId: 'council' as ContestId, limit: 2, selections: ['dan', 'erin', 'frank'] as SelectionId[] },
  ],
};
const random = deterministicRandom('challenge');
const binding: BallotBinding = { stationId: 'station-7', ballotStyleId: 'style-1' };
const { context } = setUpElection(random, 2, 2);
const choices = { referendum: ['no'], council: ['erin', 'dan'] } as unknown as Record<string, SelectionId[]>;

function encrypted(ballotId: string) {
  const outcome = encryptBallot(context, manifest, binding, { ballotId: ballotId as BallotId, choices }, random);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.error));
  return outcome.value;
}

describe('Benaloh challenge and confirmation codes', () => {
  it('anyone re-encrypts a challenged ballot from its plaintext and master nonce and rechecks the code', () => {
    const seed = confirmationSeed(context.extendedBaseHash, 'station-7' as StationId);
    const first = encrypted('b-1');
    const firstCode = nextConfirmationCode(seed, first.ballot);
    const second = encrypted('b-2');
    const secondCode = nextConfirmationCode(firstCode, second.ballot);

    // Published: the encrypted ballot, and on challenge the plaintext with the nonce.
    const ballot = parseEncryptedBallot(JSON.parse(recordToCanonicalJson(encryptedBallotToRecord(second.ballot))));
    const opened = parseChallengedBallot(
      JSON.parse(
        recordToCanonicalJson(
          challengedBallotToRecord({ ballotId: 'b-2' as BallotId, choices, masterNonce: second.masterNonce }),
        ),
      ),
    );
    if (!ballot.ok || !opened.ok) throw new Error('parse');
    expect(
      verifyChallengedBallot(context, manifest, binding, ballot.value, opened.value, {
        previous: firstCode,
        printed: secondCode,
      }),
    ).toEqual({ ok: true, value: undefined });

    // A code depends on the whole chain and on every ciphertext.
    expect(toBase64Url(nextConfirmationCode(seed, second.ballot))).not.toBe(toBase64Url(secondCode));
    expect(
      verifyChallengedBallot(context, manifest, binding, ballot.value, opened.value, {
        previous: seed,
        printed: secondCode,
      }),
    ).toEqual({
      ok: false,
      error: { check: 'confirmation-code' },
    });
    expect(toBase64Url(confirmationSeed(context.extendedBaseHash, 'station-8' as StationId))).not.toBe(
      toBase64Url(seed),
    );
  });

  it('a device that encrypted something else is caught at the selection it changed', () => {
    const { ballot, masterNonce } = encrypted('b-3');
    const claimed = {
      ballotId: 'b-3' as BallotId,
      masterNonce,
      choices: { ...choices, council: ['erin', 'frank'] as SelectionId[] },
    };
    expect(verifyChallengedBallot(context, manifest, binding, ballot, claimed)).toEqual({
      ok: false,
      error: { check: 'ciphertext', contestId: 'council', selectionId: 'dan' },
    });
    const wrongNonce = { ballotId: 'b-3' as BallotId, masterNonce: random(32), choices };
    expect(verifyChallengedBallot(context, manifest, binding, ballot, wrongNonce)).toMatchObject({
      ok: false,
      error: { check: 'ciphertext', contestId: 'referendum' },
    });
    expect(
      verifyChallengedBallot(context, manifest, binding, ballot, { ...claimed, ballotId: 'b-4' as BallotId }),
    ).toEqual({ ok: false, error: { check: 'ballot-id' } });
  });

  it("the nonces are the station's and the style's: the same plaintext and nonce opened as another station's or style's do not reproduce", () => {
    const { ballot, masterNonce } = encrypted('b-6');
    const opened = { ballotId: 'b-6' as BallotId, masterNonce, choices };
    expect(verifyChallengedBallot(context, manifest, binding, ballot, opened)).toEqual({ ok: true, value: undefined });
    expect(
      verifyChallengedBallot(context, manifest, { ...binding, stationId: 'station-8' }, ballot, opened),
    ).toMatchObject({ ok: false, error: { check: 'ciphertext' } });
    expect(
      verifyChallengedBallot(context, manifest, { ...binding, ballotStyleId: 'style-2' }, ballot, opened),
    ).toMatchObject({ ok: false, error: { check: 'ciphertext' } });
  });

  it('untrusted records with a bad point, a non-canonical encoding or extra fields are refused', () => {
    const record = encryptedBallotToRecord(encrypted('b-5').ballot);
    const badPoint = structuredClone(record);
    badPoint.contests[0]!.selections[0]!.alpha = 'A'.repeat(42) + 'B';
    expect(parseEncryptedBallot(badPoint)).toMatchObject({
      ok: false,
      error: { problem: 'encoding', path: 'contests[0].selections[0].alpha' },
    });
    const notPoint = structuredClone(record);
    notPoint.contests[0]!.selections[0]!.beta = '_'.repeat(42) + 'w';
    expect(parseEncryptedBallot(notPoint)).toMatchObject({
      ok: false,
      error: { problem: 'encoding', detail: 'not-a-point' },
    });
    const scalarTooBig = structuredClone(record);
    scalarTooBig.contests[1]!.proof[0]!.z = '_'.repeat(42) + 'w';
    expect(parseEncryptedBallot(scalarTooBig)).toMatchObject({
      ok: false,
      error: { problem: 'encoding', detail: 'not-a-scalar' },
    });
    expect(parseEncryptedBallot({ ...record, extra: 1 })).toMatchObject({ ok: false, error: { problem: 'schema' } });
    expect(parseEncryptedBallot({ ...record, v: 2 })).toMatchObject({ ok: false, error: { problem: 'schema' } });
  });
});
