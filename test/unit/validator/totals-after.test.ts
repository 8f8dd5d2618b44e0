/**
 * The running totals a batch changes (validator/store-api.ts `totalsAfter`): the
 * stored sums plus the cast ballots' ciphertexts, as the library's own point
 * arithmetic and encoding would give them, and a stored sum that is not a group
 * element refused rather than added.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GroupElement, Point } from '../../../core/ballot';
import type { CheckedBatch } from '../../../validator/checks';
import { totalsAfter } from '../../../validator/store-api';

const randomPoint = () => Point.BASE.multiply(BigInt(`0x${randomBytes(31).toString('hex')}`) + 1n);

type Selection = { selectionId: string; alpha: InstanceType<typeof Point>; beta: InstanceType<typeof Point> };

/** A batch whose cast ballots carry these selections; totalsAfter reads nothing else of a checked batch. */
function batchOf(ballots: readonly { contestId: string; selections: readonly Selection[] }[][]): CheckedBatch {
  const cast = ballots.map((contests) => ({
    contests: contests.map((c) => ({
      contestId: c.contestId,
      selections: c.selections.map((s) => ({
        selectionId: s.selectionId,
        ciphertext: { alpha: GroupElement.of(s.alpha), beta: GroupElement.of(s.beta) },
      })),
    })),
  }));
  // Only `cast` is read; the rest of a checked batch would be noise here.
  return { cast } as unknown as CheckedBatch;
}

describe('totalsAfter', () => {
  it('adds every cast selection to its stored sum and encodes the sums as the library does', () => {
    const stored = { alpha: randomPoint(), beta: randomPoint() };
    const ballots = Array.from({ length: 3 }, () => [
      {
        contestId: 'mayor',
        selections: [
          { selectionId: 'ann', alpha: randomPoint(), beta: randomPoint() },
          { selectionId: 'bob', alpha: randomPoint(), beta: randomPoint() },
        ],
      },
    ]);
    const { sums, contestCounts } = totalsAfter(
      [{ contest: 'mayor', selection: 'ann', alpha: stored.alpha.toBytes(), beta: stored.beta.toBytes() }],
      batchOf(ballots),
    );

    const expected = (
      selectionId: string,
      start: { alpha: InstanceType<typeof Point>; beta: InstanceType<typeof Point> },
    ) => {
      let { alpha, beta } = start;
      for (const s of ballots.flatMap((b) => b[0]?.selections ?? []).filter((s) => s.selectionId === selectionId)) {
        alpha = alpha.add(s.alpha);
        beta = beta.add(s.beta);
      }
      return { alpha: Buffer.from(alpha.toBytes()), beta: Buffer.from(beta.toBytes()) };
    };
    expect(sums).toEqual([
      { contest: 'mayor', selection: 'ann', ...expected('ann', stored) },
      { contest: 'mayor', selection: 'bob', ...expected('bob', { alpha: Point.ZERO, beta: Point.ZERO }) },
    ]);
    expect(contestCounts).toEqual(new Map([['mayor', 3]]));
  });

  it('refuses a stored sum that is not a group element', () => {
    const ballots = [
      [{ contestId: 'mayor', selections: [{ selectionId: 'ann', alpha: randomPoint(), beta: randomPoint() }] }],
    ];
    const garbage = new Uint8Array(32).fill(0xff);
    expect(() =>
      totalsAfter([{ contest: 'mayor', selection: 'ann', alpha: garbage, beta: garbage }], batchOf(ballots)),
    ).toThrow('a stored running sum is not a group element');
  });
});
