import { describe, expect, it } from 'vitest';
import { applyLifecycleEntry, type PollsState } from '../../../core/record/ballot-log-rules';

const PHASES: readonly PollsState[] = ['polls-closed-initial', 'polls-open', 'polls-paused', 'polls-closed-final'];
const STEPS = ['opened', 'paused', 'resumed', 'closed'] as const;

/** The lifecycle both logs follow, written out: anything not listed is refused. */
const ALLOWED: Readonly<Record<string, PollsState>> = {
  'polls-closed-initial/opened': 'polls-open',
  'polls-open/paused': 'polls-paused',
  'polls-paused/resumed': 'polls-open',
  'polls-open/closed': 'polls-closed-final',
  'polls-paused/closed': 'polls-closed-final',
};

describe('station log lifecycle rules (shared by the validator and urna verify)', () => {
  it('allow exactly closed (initial) → open ⇄ paused → closed (final), in the ballot log and in the poll book alike', () => {
    for (const phase of PHASES) {
      for (const step of STEPS) {
        const expected = ALLOWED[`${phase}/${step}`];
        const cases = [
          { entry: { type: `polls-${step}`, v: 1, ballotsCast: 2 }, counts: { ballotsCast: 2 } },
          {
            entry: { type: `pollbook-${step}`, v: 2, checkIns: 2, ballotsReissued: 1 },
            counts: { checkIns: 2, ballotsReissued: 1 },
          },
        ];
        for (const { entry, counts } of cases) {
          const next = applyLifecycleEntry(phase, entry, counts);
          if (expected === undefined) expect(next).toMatchObject({ ok: false, error: { code: 'polls-transition' } });
          else expect(next).toEqual({ ok: true, value: expected });
        }
      }
    }
  });

  it("check each log's own count and ignore every other entry", () => {
    const pollBook = { checkIns: 5, ballotsReissued: 0 };
    expect(
      applyLifecycleEntry('polls-open', { type: 'polls-closed', v: 1, ballotsCast: 4 }, { ballotsCast: 5 }),
    ).toMatchObject({ ok: false, error: { code: 'ballots-cast-mismatch' } });
    expect(applyLifecycleEntry('polls-open', { type: 'pollbook-closed', v: 1, checkIns: 6 }, pollBook)).toMatchObject({
      ok: false,
      error: { code: 'check-ins-mismatch' },
    });
    expect(applyLifecycleEntry('polls-open', { type: 'check-in', v: 1 }, pollBook)).toBeUndefined();
    expect(applyLifecycleEntry('polls-open', { type: 'ballot-reissued', v: 1 }, pollBook)).toBeUndefined();
    expect(
      applyLifecycleEntry('polls-open', { type: 'ballot-cast', v: 1, ballotId: 'b' }, { ballotsCast: 5 }),
    ).toBeUndefined();
  });

  it("check the poll book's reissues beside its check-ins; a v1 entry, from before reissues, states none", () => {
    const held = { checkIns: 5, ballotsReissued: 2 };
    expect(
      applyLifecycleEntry('polls-open', { type: 'pollbook-closed', v: 2, checkIns: 5, ballotsReissued: 2 }, held),
    ).toEqual({ ok: true, value: 'polls-closed-final' });
    expect(
      applyLifecycleEntry('polls-open', { type: 'pollbook-closed', v: 2, checkIns: 5, ballotsReissued: 1 }, held),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'ballots-reissued-mismatch',
        message: 'pollbook-closed v2 states 1 ballots reissued; the log before it holds 2',
      },
    });
    expect(
      applyLifecycleEntry('polls-open', { type: 'pollbook-paused', v: 2, checkIns: 5, ballotsReissued: 3 }, held),
    ).toMatchObject({ ok: false, error: { code: 'ballots-reissued-mismatch' } });
    // Check-ins are compared first: a reissue never stands in for a check-in.
    expect(
      applyLifecycleEntry('polls-open', { type: 'pollbook-closed', v: 2, checkIns: 7, ballotsReissued: 0 }, held),
    ).toMatchObject({ ok: false, error: { code: 'check-ins-mismatch' } });
    expect(applyLifecycleEntry('polls-open', { type: 'pollbook-closed', v: 1, checkIns: 5 }, held)).toMatchObject({
      ok: false,
      error: { code: 'ballots-reissued-mismatch' },
    });
    expect(
      applyLifecycleEntry(
        'polls-open',
        { type: 'pollbook-closed', v: 1, checkIns: 5 },
        { checkIns: 5, ballotsReissued: 0 },
      ),
    ).toEqual({ ok: true, value: 'polls-closed-final' });
  });
});
