import { describe, expect, it } from 'vitest';
import type { PollsState } from '../../../core/api/station-api';
import { lifecycleStepOf } from '../../../core/ledger/entries';
import type { PollsTransition } from '../../../core/record/ballot-log-rules';
import { pollBookEntry, pollsEntry, pollsReducer } from '../../../main/station/polls';

const TRANSITIONS: readonly PollsTransition[] = ['election-loaded', 'opened', 'paused', 'resumed', 'closed'];
const STATES: readonly PollsState[] = [
  'setup',
  'polls-closed-initial',
  'polls-open',
  'polls-paused',
  'polls-closed-final',
];

/** The whole lifecycle, written out: anything not listed is refused. */
const ALLOWED: Readonly<Record<string, PollsState>> = {
  'setup/election-loaded': 'polls-closed-initial',
  'polls-closed-initial/opened': 'polls-open',
  'polls-open/paused': 'polls-paused',
  'polls-paused/resumed': 'polls-open',
  'polls-open/closed': 'polls-closed-final',
  'polls-paused/closed': 'polls-closed-final',
};

describe('polls lifecycle', () => {
  it('allows exactly setup → closed (initial) → open ⇄ paused → closed (final)', () => {
    for (const state of STATES) {
      for (const transition of TRANSITIONS) {
        const next = pollsReducer(state, transition);
        const expected = ALLOWED[`${state}/${transition}`];
        if (expected === undefined)
          expect(next).toEqual({ ok: false, error: { kind: 'polls-transition-not-allowed', from: state, transition } });
        else expect(next).toEqual({ ok: true, value: expected });
      }
    }
  });

  it('records every transition after setup as the polls entry that replays it', () => {
    for (const step of ['opened', 'paused', 'resumed', 'closed'] as const) {
      const entry = pollsEntry(step, 7);
      expect(entry).toMatchObject({ v: 1, ballotsCast: 7 });
      // The recovery fold replays the log with core's lifecycle rule, which reads the step from the type.
      expect(entry.type).toBe(`polls-${step}`);
      expect(lifecycleStepOf(entry.type)).toBe(step);
    }
  });

  it('records the same transition in the poll book with its own counts', () => {
    for (const step of ['opened', 'paused', 'resumed', 'closed'] as const) {
      const ballots = pollsEntry(step, 7);
      const pollbook = pollBookEntry(step, { checkIns: 9, ballotsReissued: 2 });
      expect(pollbook).toEqual({
        type: `pollbook-${lifecycleStepOf(ballots.type) ?? ''}`,
        v: 2,
        checkIns: 9,
        ballotsReissued: 2,
      });
      // Not a polls entry: the ballot log alone is the record the state is recovered from.
      expect(pollbook.type.startsWith('polls-')).toBe(false);
    }
  });
});
