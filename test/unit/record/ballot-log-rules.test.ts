import { describe, expect, it } from 'vitest';
import { applyLifecycleEntry, type PollsPhase } from '../../../core/record/ballot-log-rules';

const PHASES: readonly PollsPhase[] = ['not-opened', 'open', 'paused', 'closed'];
const STEPS = ['opened', 'paused', 'resumed', 'closed'] as const;

/** The lifecycle both logs follow, written out: anything not listed is refused. */
const ALLOWED: Readonly<Record<string, PollsPhase>> = {
  'not-opened/opened': 'open',
  'open/paused': 'paused',
  'paused/resumed': 'open',
  'open/closed': 'closed',
  'paused/closed': 'closed',
};

describe('station log lifecycle rules (shared by the validator and urna verify)', () => {
  it('allow exactly not opened → open ⇄ paused → closed, in the ballot log and in the poll book alike', () => {
    for (const phase of PHASES) {
      for (const step of STEPS) {
        const expected = ALLOWED[`${phase}/${step}`];
        for (const entry of [{ type: `polls-${step}`, v: 1, ballotsCast: 2 }, { type: `pollbook-${step}`, v: 1, checkIns: 2 }]) {
          const next = applyLifecycleEntry(phase, entry, 2);
          if (expected === undefined) expect(next).toMatchObject({ ok: false, error: { code: 'polls-transition' } });
          else expect(next).toEqual({ ok: true, value: expected });
        }
      }
    }
  });

  it("check each log's own count and ignore every other entry", () => {
    expect(applyLifecycleEntry('open', { type: 'polls-closed', v: 1, ballotsCast: 4 }, 5)).toMatchObject({ ok: false, error: { code: 'ballots-cast-mismatch' } });
    expect(applyLifecycleEntry('open', { type: 'pollbook-closed', v: 1, checkIns: 6 }, 5)).toMatchObject({ ok: false, error: { code: 'check-ins-mismatch' } });
    expect(applyLifecycleEntry('open', { type: 'check-in', v: 1 }, 5)).toBeUndefined();
    expect(applyLifecycleEntry('open', { type: 'ballot-cast', v: 1, ballotId: 'b' }, 5)).toBeUndefined();
  });
});
