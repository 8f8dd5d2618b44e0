/**
 * The polls lifecycle as data: setup → polls closed (initial) → open ⇄ paused →
 * closed (final). A poll worker's request is an action; the reducer answers with
 * the next state or with why the request is refused. Every transition after setup
 * is recorded in both logs, each with its own entry and its own counts so the logs
 * share no counter: a polls-* entry with the count of cast ballots in the ballot log
 * (the record the state is recovered from after a restart), a pollbook-* entry with
 * the counts of check-ins and reissued ballots in the poll book. Validators check
 * both (validator/checks.ts).
 */
import type { PollsState } from '../../core/api/station-api';
import type { LedgerEntry, LifecycleStep } from '../../core/ledger/entries';
import type { EventLogger } from '../../core/logging';
import { assertNever, err, ok, type Result } from '../../core/result';

export type PollsAction =
  | { readonly type: 'election-loaded' }
  | { readonly type: 'open' }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'close' };

export type PollsTransitionRefusal = {
  readonly kind: 'polls-transition-not-allowed';
  readonly from: PollsState;
  readonly action: PollsAction['type'];
};

export function pollsReducer(state: PollsState, action: PollsAction): Result<PollsState, PollsTransitionRefusal> {
  const refuse = () => err<PollsTransitionRefusal>({ kind: 'polls-transition-not-allowed', from: state, action: action.type });
  switch (action.type) {
    case 'election-loaded':
      return state === 'setup' ? ok('polls-closed-initial') : refuse();
    case 'open':
      return state === 'polls-closed-initial' ? ok('polls-open') : refuse();
    case 'pause':
      return state === 'polls-open' ? ok('polls-paused') : refuse();
    case 'resume':
      return state === 'polls-paused' ? ok('polls-open') : refuse();
    case 'close':
      return state === 'polls-open' || state === 'polls-paused' ? ok('polls-closed-final') : refuse();
    default:
      return assertNever(action, 'polls action');
  }
}

/** The lifecycle step each action records (core/ledger/entries.ts); loading the election is not one (the package is its record). */
const STEP_OF: Readonly<Record<Exclude<PollsAction['type'], 'election-loaded'>, LifecycleStep>> = {
  open: 'opened',
  pause: 'paused',
  resume: 'resumed',
  close: 'closed',
};

/** The ballot log's entry for a transition, with the count of cast ballots before it. */
export function pollsEntry(action: PollsAction, ballotsCast: number): LedgerEntry | null {
  return action.type === 'election-loaded' ? null : { type: `polls-${STEP_OF[action.type]}`, v: 1, ballotsCast };
}

/** What the poll book holds: the counts its lifecycle entries state. */
export type PollBookCounts = { readonly checkIns: number; readonly ballotsReissued: number };

/** The poll book's record of the same transition: its own counts, nothing from the ballot log. */
export function pollBookEntry(action: PollsAction, counts: PollBookCounts): LedgerEntry | null {
  const { checkIns, ballotsReissued } = counts;
  return action.type === 'election-loaded' ? null : { type: `pollbook-${STEP_OF[action.type]}`, v: 2, checkIns, ballotsReissued };
}

export function logPollsTransition(logger: EventLogger, from: PollsState, to: PollsState, action: PollsAction): void {
  if (from === to) return;
  logger.log('polls.transition', { action: action.type, from, to });
}
