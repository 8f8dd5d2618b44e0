import { describe, expect, it } from 'vitest';
import type { BallotView } from '../../../core/api/ballot';
import type { ConfirmationCode } from '../../../core/ballot';
import type { BallotId } from '../../../core/ballot';
import { MemoryEventLogger } from '../../../main/logging';
import {
  logVoterSessionTransition,
  NO_SESSION,
  toVoterSessionView,
  voterSessionReducer,
  type BallotCommitment,
  type VoterSession,
  type VoterSessionAction,
} from '../../../main/station/voter-session';

const ballot: BallotView = {
  electionTitle: { ru: 'Выборы', en: 'Election' },
  ballotStyleId: 'style-a',
  contests: [
    {
      kind: 'yes-no',
      contestId: 'question',
      title: { ru: 'Вопрос', en: 'Question' },
      description: { ru: '?', en: '?' },
      limit: 1,
      options: [
        { selectionId: 'yes', label: { ru: 'Да', en: 'Yes' }, detail: null, writeIn: false },
        { selectionId: 'no', label: { ru: 'Нет', en: 'No' }, detail: null, writeIn: false },
      ],
    },
  ],
};

const commitment: BallotCommitment = {
  ballotStyleId: 'style-a',
  encrypted: { ballotId: 'b1' as BallotId, contests: [] },
  masterNonce: new Uint8Array(32).fill(7),
  marks: { selections: { question: ['yes'] }, writeIns: {} },
  previousCode: new Uint8Array(32) as ConfirmationCode,
  code: new Uint8Array(32).fill(1) as ConfirmationCode,
  shown: { short: 'AAAA-BBBB', full: 'full-code' },
};

function run(...actions: VoterSessionAction[]): VoterSession {
  return actions.reduce(voterSessionReducer, NO_SESSION);
}

const activate: VoterSessionAction = { type: 'activate', sessionId: 's1', ballot };
const timeouts = { warnAfterMs: 1, endAfterMs: 2 };

describe('voter session', () => {
  it('goes marking → committed → printing → cast → none for a cast ballot', () => {
    const phases = [
      activate,
      { type: 'commit', commitment },
      { type: 'start-printing' },
      { type: 'print-receipt' },
      { type: 'cast-recorded' },
      { type: 'finish' },
    ]
      .map((_, i, all) => run(...(all.slice(0, i + 1) as VoterSessionAction[])))
      .map((s) => (s.phase === 'printing' ? `printing:${s.document}` : s.phase));
    expect(phases).toEqual(['marking', 'committed', 'printing:paper-record', 'printing:receipt', 'cast', 'none']);
    expect(
      run(
        activate,
        { type: 'commit', commitment },
        { type: 'start-printing' },
        { type: 'cast-recorded' },
        { type: 'finish' },
      ),
    ).toEqual({ phase: 'none', lastEnded: 'cast' });
  });

  it('drops the plaintext from the session once printing starts', () => {
    const printing = run(activate, { type: 'commit', commitment }, { type: 'start-printing' });
    expect(printing).not.toHaveProperty('commitment');
    expect(JSON.stringify(printing)).not.toMatch(/selections|masterNonce/);
  });

  it('returns to marking after a challenge, naming the challenged code and where to look it up', () => {
    const lookup = 'https://board.example/urna/v1/confirmation/AAAA';
    const again = run(activate, { type: 'commit', commitment }, { type: 'challenge', slipPrinted: true, lookup });
    expect(again).toMatchObject({
      phase: 'marking',
      challenged: { shortCode: 'AAAA-BBBB', slipPrinted: true, lookup },
    });
  });

  it('stays on print-failed until a poll worker resolves the ballot', () => {
    const failed = run(
      activate,
      { type: 'commit', commitment },
      { type: 'start-printing' },
      { type: 'print-failed', printerState: 'paper-out' },
    );
    expect(failed).toMatchObject({ phase: 'print-failed', document: 'paper-record', printerState: 'paper-out' });
    expect(() => voterSessionReducer(failed, { type: 'time-out' })).toThrow(/time-out in phase print-failed/);
    expect(voterSessionReducer(failed, { type: 'pending-resolved' })).toEqual({
      phase: 'none',
      lastEnded: 'resolved-by-poll-worker',
    });
  });

  it('waits on recording-failed (printed, not yet recorded) until the retry records it or a poll worker resolves it', () => {
    const waiting = run(
      activate,
      { type: 'commit', commitment },
      { type: 'start-printing' },
      { type: 'print-receipt' },
      { type: 'cast-recording-failed', cause: 'storage-full', retryEveryMs: 5000 },
    );
    expect(waiting).toMatchObject({
      phase: 'recording-failed',
      ballotId: 'b1',
      cause: 'storage-full',
      retryEveryMs: 5000,
    });
    expect(toVoterSessionView(waiting, timeouts)).toEqual({
      phase: 'recording-failed',
      sessionId: 's1',
      code: commitment.shown,
      cause: 'storage-full',
      retryEveryMs: 5000,
    });
    expect(() => voterSessionReducer(waiting, { type: 'time-out' })).toThrow(/time-out in phase recording-failed/);
    expect(() => voterSessionReducer(waiting, { type: 'reprint' })).toThrow(/reprint in phase recording-failed/);
    expect(voterSessionReducer(waiting, { type: 'cast-recorded' })).toMatchObject({ phase: 'cast', ballotId: 'b1' });
    expect(voterSessionReducer(waiting, { type: 'pending-resolved' })).toEqual({
      phase: 'none',
      lastEnded: 'resolved-by-poll-worker',
    });
  });

  it('times out from marking or the code screen without casting', () => {
    expect(run(activate, { type: 'time-out' })).toEqual({ phase: 'none', lastEnded: 'timed-out' });
    expect(run(activate, { type: 'commit', commitment }, { type: 'time-out' })).toEqual({
      phase: 'none',
      lastEnded: 'timed-out',
    });
  });

  it('throws on an action the phase cannot take (the service checks phases first)', () => {
    expect(() => run({ type: 'commit', commitment })).toThrow(/commit in phase none/);
    expect(() => run(activate, activate)).toThrow(/activate in phase marking/);
    expect(() => run(activate, { type: 'start-printing' })).toThrow(/start-printing in phase marking/);
  });

  it('shows the renderer neither the nonce nor the choices', () => {
    const view = toVoterSessionView(run(activate, { type: 'commit', commitment }), timeouts);
    expect(view).toMatchObject({ phase: 'committed', code: { short: 'AAAA-BBBB' } });
    const text = JSON.stringify(view);
    expect(text).not.toContain('masterNonce');
    expect(text).not.toContain('selections');
  });

  it('logs each transition without a ballot id, a code or a choice', () => {
    const logger = new MemoryEventLogger();
    let session = NO_SESSION;
    for (const action of [
      activate,
      { type: 'commit', commitment },
      { type: 'start-printing' },
    ] as VoterSessionAction[]) {
      const next = voterSessionReducer(session, action);
      logVoterSessionTransition(logger, session, next, action);
      session = next;
    }
    expect(logger.events.map((e) => [e.fields['from'], e.fields['to']])).toEqual([
      ['none', 'marking'],
      ['marking', 'committed'],
      ['committed', 'printing'],
    ]);
    const text = JSON.stringify(logger.events);
    for (const secret of ['b1', 'AAAA-BBBB', 'full-code', 'question']) expect(text).not.toContain(secret);
  });
});
