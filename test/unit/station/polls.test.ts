import { describe, expect, it } from 'vitest';
import type { PollsState } from '../../../core/api/station-api';
import { lifecycleStepOf } from '../../../core/ledger/entries';
import { pollBookEntry, pollsEntry, pollsReducer, type PollsAction } from '../../../main/station/polls';

const ACTIONS: readonly PollsAction['type'][] = ['election-loaded', 'open', 'pause', 'resume', 'close'];
const STATES: readonly PollsState[] = ['setup', 'polls-closed-initial', 'polls-open', 'polls-paused', 'polls-closed-final'];

/** The whole lifecycle, written out: anything not listed is refused. */
const ALLOWED: Readonly<Record<string, PollsState>> = {
  'setup/election-loaded': 'polls-closed-initial',
  'polls-closed-initial/open': 'polls-open',
  'polls-open/pause': 'polls-paused',
  'polls-paused/resume': 'polls-open',
  'polls-open/close': 'polls-closed-final',
  'polls-paused/close': 'polls-closed-final',
};

describe('polls lifecycle', () => {
  it('allows exactly setup → closed (initial) → open ⇄ paused → closed (final)', () => {
    for (const state of STATES) {
      for (const type of ACTIONS) {
        const next = pollsReducer(state, { type });
        const expected = ALLOWED[`${state}/${type}`];
        if (expected === undefined) expect(next).toEqual({ ok: false, error: { kind: 'polls-transition-not-allowed', from: state, action: type } });
        else expect(next).toEqual({ ok: true, value: expected });
      }
    }
  });

  it('records every transition after setup as the polls entry that replays it', () => {
    const steps = { open: 'opened', pause: 'paused', resume: 'resumed', close: 'closed' } as const;
    for (const type of ['open', 'pause', 'resume', 'close'] as const) {
      const entry = pollsEntry({ type }, 7);
      expect(entry).toMatchObject({ v: 1, ballotsCast: 7 });
      // The recovery fold replays the log with core's lifecycle rule, which reads the step from the type.
      expect(entry?.type).toBe(`polls-${steps[type]}`);
      expect(lifecycleStepOf(entry?.type ?? '')).toBe(steps[type]);
    }
    expect(pollsEntry({ type: 'election-loaded' }, 0)).toBeNull();
  });

  it('records the same transition in the poll book with its own counts', () => {
    for (const type of ['open', 'pause', 'resume', 'close'] as const) {
      const ballots = pollsEntry({ type }, 7);
      const pollbook = pollBookEntry({ type }, { checkIns: 9, ballotsReissued: 2 });
      expect(pollbook).toEqual({ type: `pollbook-${lifecycleStepOf(ballots?.type ?? '') ?? ''}`, v: 2, checkIns: 9, ballotsReissued: 2 });
      // Not a polls entry: the ballot log alone is the record the state is recovered from.
      expect(pollbook?.type.startsWith('polls-')).toBe(false);
    }
    expect(pollBookEntry({ type: 'election-loaded' }, { checkIns: 0, ballotsReissued: 0 })).toBeNull();
  });
});
