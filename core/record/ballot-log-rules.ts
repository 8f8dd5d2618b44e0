/**
 * The station logs' lifecycle rules, implemented once. The validator applies them
 * to each batch of new entries before it cosigns (validator/checks.ts) and
 * `urna verify` replays a whole ballot log with them (core/record/ballot-log.ts),
 * so what one accepts the other accepts, refusal for refusal.
 *
 * Both logs: opened only first; paused only while open; resumed only while paused;
 * closed while open or paused. Each lifecycle entry states its own log's counts
 * before it — ballot-cast entries in the ballot log (polls-*), check-ins and ballot
 * reissues in the poll book (pollbook-*; a v1 entry states no reissues, so it stands
 * for zero) — which must match.
 *
 * Ballot log:
 *   ballot-pending, ballot-challenged  only while the polls are open; a ballot style
 *     of the station's precinct; a ballot record that decodes; no selection whose α
 *     is the identity (nonce 0: the ciphertext shows its vote); a ballot id not seen
 *     before in this log; the confirmation code is the next link of the station's
 *     chain (both kinds advance it); a challenge's plaintext and nonce reproduce it.
 *   ballot-cast   only for a pending ballot not yet resolved, while open or paused.
 *   ballot-voided only for a pending ballot not yet resolved (also after closing:
 *     voiding adds no ballot).
 * Proofs are not checked here: the caller batches them (and may run them elsewhere),
 * bound to this station and the entry's style. Nor is uniqueness across the whole
 * election: the caller checks every shown ballot with core/record/ballot-uniqueness.ts.
 */
import {
  identityCiphertextIn,
  nextConfirmationCode,
  parseChallengedBallot,
  parseEncryptedBallot,
  verifyChallengedBallot,
  type BallotManifest,
  type ConfirmationCode,
  type ElectionContext,
  type EncryptedBallot,
} from '../ballot';
import { bytesEqual, fromBase64Url } from '../encoding/bytes';
import { lifecycleStepOf, type LedgerEntry, type LifecycleStep } from '../ledger/entries';
import { err, ok, type Result } from '../result';

/**
 * Where the polls stand, for the station, its screens, the validators and the
 * verifier alike. 'setup' is the station's alone (no election loaded yet): a log
 * begins in 'polls-closed-initial'.
 */
export type PollsState = 'setup' | 'polls-closed-initial' | 'polls-open' | 'polls-paused' | 'polls-closed-final';

/** What moves the polls: loading the election (the station's alone, the package is its record) or a lifecycle step that both logs record. */
export type PollsTransition = 'election-loaded' | LifecycleStep;

export type BallotStatus = 'pending' | 'cast' | 'voided' | 'challenged';

/** Named like the validator's refusals and the verifier's checks they become. */
export type LogRuleCode =
  | 'polls-transition'
  | 'polls-not-open'
  | 'ballots-cast-mismatch'
  | 'check-ins-mismatch'
  | 'ballots-reissued-mismatch'
  | 'ballot-style'
  | 'ballot-record'
  /** A selection's α is the identity: a ciphertext anyone can read. */
  | 'identity-ciphertext'
  | 'ballot-id-reused'
  | 'confirmation-code'
  | 'challenge'
  | 'ballot-not-pending'
  /** A schema-valid entry these rules do not cover for this log. */
  | 'unexpected-entry';

export type LogRuleFailure = { readonly code: LogRuleCode; readonly message: string };

/** The polls lifecycle: the one transition table (the station's reducer is derived from it, main/station/polls.ts). */
export const POLLS_TRANSITIONS: Readonly<
  Record<PollsTransition, { readonly from: readonly PollsState[]; readonly to: PollsState }>
> = {
  'election-loaded': { from: ['setup'], to: 'polls-closed-initial' },
  opened: { from: ['polls-closed-initial'], to: 'polls-open' },
  paused: { from: ['polls-open'], to: 'polls-paused' },
  resumed: { from: ['polls-paused'], to: 'polls-open' },
  closed: { from: ['polls-open', 'polls-paused'], to: 'polls-closed-final' },
};

/** The state `transition` leads to from `polls`, or undefined where the table does not allow it. */
export function nextPollsState(polls: PollsState, transition: PollsTransition): PollsState | undefined {
  const { from, to } = POLLS_TRANSITIONS[transition];
  return from.includes(polls) ? to : undefined;
}

/** What a log holds before a lifecycle entry: the counts that entry must state. */
export type LifecycleCounts =
  /** The ballot log: ballot-cast entries. */
  | { readonly ballotsCast: number }
  /** The poll book: check-in and ballot-reissued entries. */
  | { readonly checkIns: number; readonly ballotsReissued: number };

/**
 * A lifecycle entry of either log (polls-* or pollbook-*): the next phase, or why
 * not; undefined for any other entry. `counts` are the log's own counts before it.
 */
export function applyLifecycleEntry(
  polls: PollsState,
  entry: LedgerEntry,
  counts: LifecycleCounts,
): Result<PollsState, LogRuleFailure> | undefined {
  const step = lifecycleStepOf(entry.type);
  if (step === undefined) return undefined;
  const next = nextPollsState(polls, step);
  if (next === undefined)
    return err({ code: 'polls-transition', message: `${entry.type} while the polls are ${polls}` });
  const held: Partial<Record<'ballotsCast' | 'checkIns' | 'ballotsReissued', number>> = counts;
  if ('ballotsCast' in entry && entry['ballotsCast'] !== held.ballotsCast) {
    return err({
      code: 'ballots-cast-mismatch',
      message: `${entry.type} states ${String(entry['ballotsCast'])} ballots cast; the log before it holds ${String(held.ballotsCast)}`,
    });
  }
  if ('checkIns' in entry) {
    if (entry['checkIns'] !== held.checkIns) {
      return err({
        code: 'check-ins-mismatch',
        message: `${entry.type} states ${String(entry['checkIns'])} check-ins; the log before it holds ${String(held.checkIns)}`,
      });
    }
    // v1 of the poll book's entries comes from before reissues: it states none.
    const reissued = 'ballotsReissued' in entry ? entry['ballotsReissued'] : 0;
    if (reissued !== held.ballotsReissued) {
      return err({
        code: 'ballots-reissued-mismatch',
        message: `${entry.type} v${entry.v} states ${String(reissued)} ballots reissued; the log before it holds ${String(held.ballotsReissued)}`,
      });
    }
  }
  return ok(next);
}

/** Where a ballot log stands after some prefix of its entries. */
export type BallotLogPosition = {
  readonly polls: PollsState;
  /** The confirmation code the next pending or challenged ballot chains on. */
  readonly chain: ConfirmationCode;
  /** ballot-cast entries so far. */
  readonly cast: number;
};

/** What the rules read besides the entry: the election, the station, and the log's earlier ballots. */
export type BallotLogRules = {
  readonly context: ElectionContext;
  readonly manifests: ReadonlyMap<string, BallotManifest>;
  /** The station whose log this is: its ballots' proofs and nonces are bound to it. */
  readonly stationId: string;
  readonly precinctId: string;
  readonly ballotStyleIds: ReadonlySet<string>;
  /** What became of a ballot id earlier in this log, or undefined if it never appeared. */
  statusOf(ballotId: string): BallotStatus | undefined;
  /**
   * The entry's encrypted ballot, decoded (or why it does not decode). A caller that
   * has decoded it already — the validator's proof pool — hands that back here.
   */
  ballotOf(entry: LedgerEntry): Result<EncryptedBallot, string>;
};

/** The encrypted ballot of a ballot-pending or ballot-challenged entry, decoded, or why it does not decode. */
export function parseEntryBallot(entry: LedgerEntry): Result<EncryptedBallot, string> {
  const parsed = parseEncryptedBallot(entry['ballot']);
  return parsed.ok ? ok(parsed.value) : err(JSON.stringify(parsed.error));
}

/** What one accepted entry did. */
export type BallotLogStep =
  | { readonly kind: 'lifecycle' }
  | {
      readonly kind: 'shown';
      readonly status: 'pending' | 'challenged';
      readonly ballotStyleId: string;
      readonly ballot: EncryptedBallot;
      readonly code: ConfirmationCode;
    }
  | { readonly kind: 'resolved'; readonly status: 'cast' | 'voided'; readonly ballotId: string };

/** Applies one schema-checked ballot-log entry at `position`. */
export function applyBallotLogEntry(
  rules: BallotLogRules,
  position: BallotLogPosition,
  entry: LedgerEntry,
): Result<{ readonly position: BallotLogPosition; readonly step: BallotLogStep }, LogRuleFailure> {
  const fail = (code: LogRuleCode, message: string) => err<LogRuleFailure>({ code, message });
  const { polls } = position;
  if (lifecycleStepOf(entry.type) !== undefined && !entry.type.startsWith('polls-')) {
    return fail('unexpected-entry', `entry type ${entry.type} does not belong in a ballot log`);
  }
  const lifecycle = applyLifecycleEntry(polls, entry, { ballotsCast: position.cast });
  if (lifecycle !== undefined) {
    if (!lifecycle.ok) return lifecycle;
    return ok({ position: { ...position, polls: lifecycle.value }, step: { kind: 'lifecycle' } });
  }

  switch (entry.type) {
    case 'ballot-pending':
    case 'ballot-challenged': {
      if (polls !== 'polls-open') return fail('polls-not-open', `${entry.type} while the polls are ${polls}`);
      const ballotStyleId = entry['ballotStyleId'] as string;
      const manifest = rules.manifests.get(ballotStyleId);
      if (manifest === undefined || !rules.ballotStyleIds.has(ballotStyleId)) {
        return fail('ballot-style', `ballot style ${ballotStyleId} is not one of precinct ${rules.precinctId}`);
      }
      const decoded = rules.ballotOf(entry);
      if (!decoded.ok) return fail('ballot-record', `the encrypted ballot does not decode: ${decoded.error}`);
      const ballot = decoded.value;
      const revealing = identityCiphertextIn(ballot);
      if (revealing !== undefined) {
        return fail(
          'identity-ciphertext',
          `ballot ${ballot.ballotId} encrypts ${revealing.contestId}/${revealing.selectionId} with α the identity (nonce 0): the ciphertext shows its vote`,
        );
      }
      if (rules.statusOf(ballot.ballotId) !== undefined)
        return fail('ballot-id-reused', `ballot id ${ballot.ballotId} appeared earlier in this log`);
      const code = nextConfirmationCode(position.chain, ballot);
      if (!bytesEqual(code, fromBase64Url(entry['confirmationCode'] as string))) {
        return fail(
          'confirmation-code',
          `the confirmation code of ballot ${ballot.ballotId} is not the next link of the station's chain`,
        );
      }
      if (entry.type === 'ballot-challenged') {
        const opened = parseChallengedBallot(entry['challenge']);
        if (!opened.ok)
          return fail('challenge', `the challenge record does not decode: ${JSON.stringify(opened.error)}`);
        const reproduced = verifyChallengedBallot(
          rules.context,
          manifest,
          { stationId: rules.stationId, ballotStyleId },
          ballot,
          opened.value,
        );
        if (!reproduced.ok) {
          const at = [reproduced.error.contestId, reproduced.error.selectionId]
            .filter((x) => x !== undefined)
            .join('/');
          return fail(
            'challenge',
            `the published plaintext and nonce do not reproduce ballot ${ballot.ballotId} (${reproduced.error.check}${at ? ` at ${at}` : ''})`,
          );
        }
      }
      const status = entry.type === 'ballot-pending' ? 'pending' : 'challenged';
      return ok({
        position: { ...position, chain: code },
        step: { kind: 'shown', status, ballotStyleId, ballot, code },
      });
    }
    case 'ballot-cast':
    case 'ballot-voided': {
      const ballotId = entry['ballotId'] as string;
      const allowed: readonly PollsState[] =
        entry.type === 'ballot-cast'
          ? ['polls-open', 'polls-paused']
          : ['polls-open', 'polls-paused', 'polls-closed-final'];
      if (!allowed.includes(polls)) return fail('polls-not-open', `${entry.type} while the polls are ${polls}`);
      const was = rules.statusOf(ballotId);
      if (was !== 'pending')
        return fail(
          'ballot-not-pending',
          was === undefined ? `ballot ${ballotId} was never pending` : `ballot ${ballotId} is already ${was}`,
        );
      if (entry.type === 'ballot-cast')
        return ok({
          position: { ...position, cast: position.cast + 1 },
          step: { kind: 'resolved', status: 'cast', ballotId },
        });
      return ok({ position, step: { kind: 'resolved', status: 'voided', ballotId } });
    }
    default:
      return fail('unexpected-entry', `entry type ${entry.type} does not belong in a ballot log`);
  }
}
