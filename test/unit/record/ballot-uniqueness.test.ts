import { describe, expect, it } from 'vitest';
import { type BallotId, type BallotManifest, deterministicRandom, encryptBallot } from '../../../core/ballot';
import type { ContestId, SelectionId } from '../../../core/ids';
import {
  ballotKeysOf,
  BallotUniqueness,
  firstDuplicate,
  type BallotKeys,
  type BallotPlace,
} from '../../../core/record/ballot-uniqueness';
import { setUpElection } from '../ballot/helpers';

const manifest: BallotManifest = {
  contests: [
    { contestId: 'mayor' as ContestId, limit: 1, selections: ['alice', 'bob'] as SelectionId[] },
    { contestId: 'measure' as ContestId, limit: 1, selections: ['yes', 'no'] as SelectionId[] },
  ],
};
const random = deterministicRandom('ballot-uniqueness');
const { context } = setUpElection(random, 2, 2);

function shown(stationId: string, ballotId: string): BallotKeys {
  const outcome = encryptBallot(
    context,
    manifest,
    { stationId, ballotStyleId: 'style-1' },
    { ballotId: ballotId as BallotId, choices: { mayor: ['bob'] as SelectionId[] } },
    random,
  );
  if (!outcome.ok) throw new Error('encrypt');
  return ballotKeysOf(outcome.value.ballot);
}

describe('election-wide uniqueness of ballot ids and ciphertexts (shared by the validators and urna verify)', () => {
  const a1 = shown('station-a', 'a-1');
  const a2 = shown('station-a', 'a-2');
  const b1 = shown('station-b', 'b-1');

  it('accepts distinct ballots at several stations and names every α it admitted', () => {
    expect(
      firstDuplicate([
        {
          stationId: 'station-a',
          shown: [
            { index: 1, ...a1 },
            { index: 3, ...a2 },
          ],
        },
        { stationId: 'station-b', shown: [{ index: 1, ...b1 }] },
      ]),
    ).toBeUndefined();
    const uniqueness = new BallotUniqueness();
    expect(uniqueness.admit({ stationId: 'station-a', index: 1 }, a1).ok).toBe(true);
    expect(uniqueness.admittedBallotIds.get('a-1')).toEqual({ stationId: 'station-a', index: 1 });
    expect(uniqueness.admittedAlphas.size).toBe(4);
  });

  it('a ballot copied byte for byte to another station: duplicate-ballot-id, naming both places', () => {
    expect(
      firstDuplicate([
        { stationId: 'station-a', shown: [{ index: 1, ...a1 }] },
        {
          stationId: 'station-b',
          shown: [
            { index: 1, ...b1 },
            { index: 5, ...a1 },
          ],
        },
      ]),
    ).toEqual({
      code: 'duplicate-ballot-id',
      place: { stationId: 'station-b', index: 5 },
      earlier: { stationId: 'station-a', index: 1 },
      message: 'ballot id a-1 at station station-b entry 5 was already shown at station station-a entry 1',
    });
  });

  it('a ciphertext re-used under a new ballot id, at another station, in the same log or twice in one ballot: duplicate-ciphertext', () => {
    const copied: BallotKeys = { ...b1, alphas: [b1.alphas[0]!, a2.alphas[1]!, ...b1.alphas.slice(2)] };
    expect(
      firstDuplicate([
        { stationId: 'station-a', shown: [{ index: 3, ...a2 }] },
        { stationId: 'station-b', shown: [{ index: 7, ...copied }] },
      ]),
    ).toMatchObject({
      code: 'duplicate-ciphertext',
      place: { stationId: 'station-b', index: 7 },
      earlier: { stationId: 'station-a', index: 3 },
      message:
        'the ciphertext of mayor/bob in ballot b-1 at station station-b entry 7 has the α of a selection already shown at station station-a entry 3',
    });
    const sameLog: BallotKeys = { ...a2, ballotId: 'a-3' };
    expect(
      firstDuplicate([
        {
          stationId: 'station-a',
          shown: [
            { index: 3, ...a2 },
            { index: 9, ...sameLog },
          ],
        },
      ]),
    ).toMatchObject({
      code: 'duplicate-ciphertext',
      place: { stationId: 'station-a', index: 9 },
      earlier: { stationId: 'station-a', index: 3 },
    });
    const twiceInOne: BallotKeys = { ...b1, alphas: [b1.alphas[0]!, b1.alphas[0]!, ...b1.alphas.slice(2)] };
    expect(firstDuplicate([{ stationId: 'station-b', shown: [{ index: 2, ...twiceInOne }] }])).toMatchObject({
      code: 'duplicate-ciphertext',
      place: { stationId: 'station-b', index: 2 },
      earlier: { stationId: 'station-b', index: 2 },
    });
  });

  it('checks against what is held (a validator store), and a refused ballot admits nothing of itself', () => {
    const held = new Map<string, BallotPlace>([['a-1', { stationId: 'station-a', index: 1 }]]);
    const alphas = new Map<string, BallotPlace>(a2.alphas.map((s) => [s.alpha, { stationId: 'station-a', index: 3 }]));
    const uniqueness = new BallotUniqueness({
      placeOfBallotId: (id) => held.get(id),
      placeOfAlpha: (alpha) => alphas.get(alpha),
    });
    expect(uniqueness.admit({ stationId: 'station-b', index: 4 }, a1)).toMatchObject({
      ok: false,
      error: { code: 'duplicate-ballot-id', earlier: { stationId: 'station-a', index: 1 } },
    });
    expect(uniqueness.admit({ stationId: 'station-b', index: 4 }, { ...a2, ballotId: 'b-9' })).toMatchObject({
      ok: false,
      error: { code: 'duplicate-ciphertext' },
    });
    expect(uniqueness.admittedBallotIds.size + uniqueness.admittedAlphas.size).toBe(0);
    expect(uniqueness.admit({ stationId: 'station-b', index: 4 }, b1).ok).toBe(true);
  });
});
