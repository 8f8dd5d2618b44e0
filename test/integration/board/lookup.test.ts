/**
 * A voter checks a receipt against the bulletin board (`urna lookup`, and the
 * checks in core/board/confirmation.ts the board's web page runs too): three real
 * validators listening on loopback, a station's real signed log with cast,
 * challenged, voided and pending ballots. The short code, the full code and the
 * QR URL find the ballot; every board's proof is checked here; a board that lies
 * (a tampered inclusion proof, a forged cosignature, a status it cannot prove) is
 * caught and named, never shown as "recorded".
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAnswer,
  combineAnswers,
  fullCodePrefix,
  matchesShortCode,
  openBoardTrust,
  parseLookupCode,
  type BoardTrust,
  type LookupCode,
} from '../../../core/board/confirmation';
import { shortConfirmationCode } from '../../../core/api/ballot';
import { fromBase64Url, toBase64Url } from '../../../core/encoding/bytes';
import type { LogKind } from '../../../core/ids';
import { MemoryEventLogger } from '../../../main/logging';
import { startValidator, type RunningValidator } from '../../../validator/run';
import { forgeCosignature, startLyingBoard, tamperProof } from '../../support/lying-board';
import { runUrna } from '../../support/urna-cli';

/** `urna lookup` with the code after `--`: a full code may begin with '-', which would read as an option. */
const lookup = (code: string, ...options: string[]) => runUrna('lookup', ...options, '--', code);
import { BallotWriter, makeTestElection, pushLog, type TestElection } from '../validator/fixture';
import { prepareStore } from '../validator/stores';

let election: TestElection;
let station: BallotWriter;
const validators: RunningValidator[] = [];
const codes = { cast: '', challenged: '', voided: '', pending: '' };

const push = (url: string, log: LogKind) => pushLog(url, station.ledger, log);

async function answerOf(url: string, code: string): Promise<unknown> {
  return (await fetch(new URL(`/urna/v1/confirmation/${encodeURIComponent(code)}`, url))).json();
}

async function trustFrom(url: string): Promise<BoardTrust> {
  const pkg: unknown = await (await fetch(new URL('/urna/v1/election', url))).json();
  const enrollment: unknown = await (await fetch(new URL('/urna/v1/stations/station-1/enrollment', url))).json();
  const trust = openBoardTrust(pkg, enrollment, { authorityKey: election.definition.authority.verifierKey });
  if (!trust.ok) throw new Error(trust.error);
  return trust.value;
}

function lookupCode(text: string): LookupCode {
  const parsed = parseLookupCode(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

beforeAll(async () => {
  election = makeTestElection({ validators: 3, label: 'board', stations: [{ id: 'station-1', precinct: 'uik-1201' }] });
  station = BallotWriter.open(
    election,
    election.stations[0] ?? (undefined as never),
    path.join(election.dir, 'stations', 'station-1'),
  );
  station.openPolls();
  station.castBallot();
  codes.cast = station.castBallot();
  codes.challenged = station.challengeBallot();
  const voided = station.pendingEntry();
  station.append('ballots', voided.entry);
  station.append('ballots', { type: 'ballot-voided', v: 1, ballotId: voided.ballot.ballotId, reason: 'not-printed' });
  codes.voided = toBase64Url(voided.code);
  const pending = station.pendingEntry();
  station.append('ballots', pending.entry);
  codes.pending = toBase64Url(pending.code);

  for (const validator of election.validators) {
    election.writeConfig(validator, 0);
    await prepareStore(validator);
    const running = await startValidator(validator.configFile, { logger: new MemoryEventLogger(), verifyThreads: 0 });
    if (!running.ok) throw new Error(running.error);
    validators.push(running.value);
  }
  // The third validator has not caught up yet: it cosigned nothing of this station.
  for (const running of validators.slice(0, 2)) {
    await push(running.url, 'pollbook');
    await push(running.url, 'ballots');
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(validators.map((v) => v.close()));
  station?.close();
  election?.cleanup();
});

const boards = () => validators.flatMap((v) => ['--board', v.url]);

describe('reading what the voter types', () => {
  it('takes the short code in any case, with or without the dash, O for 0 and I or L for 1; the full code; the QR URL', () => {
    const short = shortConfirmationCode(fromBase64Url(codes.cast));
    expect(parseLookupCode(short)).toEqual({ ok: true, value: { kind: 'short', short } });
    expect(parseLookupCode(` ${short.toLowerCase().replace('-', '')} `)).toEqual({
      ok: true,
      value: { kind: 'short', short },
    });
    expect(parseLookupCode('0I1L-0000')).toEqual({ ok: true, value: { kind: 'short', short: '0111-0000' } });
    expect(parseLookupCode('oooo-oooo')).toEqual({ ok: true, value: { kind: 'short', short: '0000-0000' } });
    expect(parseLookupCode(codes.cast)).toEqual({ ok: true, value: { kind: 'full', code: codes.cast } });
    expect(parseLookupCode(`https://board.example/urna/v1/confirmation/${codes.cast}`)).toEqual({
      ok: true,
      value: { kind: 'full', code: codes.cast },
    });
    for (const bad of ['', 'CMY3-8N1', 'CMY3-8N1U', 'not a code at all', 'A'.repeat(42)])
      expect(parseLookupCode(bad).ok).toBe(false);
  });

  it("finds every full code by its short code's prefix, and only the codes with that short code match", () => {
    for (let i = 0; i < 200; i++) {
      const bytes = new Uint8Array(32).map((_, j) => (i * 97 + j * 31 + ((i * j) % 7)) & 0xff);
      const full = toBase64Url(bytes);
      const short = shortConfirmationCode(bytes);
      expect(full.startsWith(fullCodePrefix(short))).toBe(true);
      expect(matchesShortCode(full, short)).toBe(true);
      const other = new Uint8Array(bytes);
      other[4] = (other[4] ?? 0) ^ 0x01;
      expect(matchesShortCode(toBase64Url(other), short)).toBe(false);
    }
  });
});

describe('urna lookup against real validators', () => {
  it('confirms a cast ballot by its short code, its full code and its QR URL, checking each board', async () => {
    const short = shortConfirmationCode(fromBase64Url(codes.cast));
    const qr = `${validators[0]?.url ?? ''}/urna/v1/confirmation/${codes.cast}`;
    for (const code of [short, short.toLowerCase(), codes.cast, qr]) {
      const run = await lookup(code, ...boards(), '--authority-key', election.authorityKeyFile);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(
        `Ballot ${short} at station station-1: cast. Recorded and confirmed by 2 of 3 independent validators.`,
      );
      expect(run.stdout).toContain('verified (log of');
      expect(run.stdout).toMatch(/has no ballot with this code \(yet\)/);
    }
  });

  it('says challenged, voided and not yet cast, in English and Russian', async () => {
    const challenged = await lookup(codes.challenged, ...boards());
    expect(challenged.code, challenged.stderr).toBe(0);
    expect(challenged.stdout).toContain(': challenged (not counted). Recorded and confirmed by 2 of 3');
    expect(challenged.stdout).toContain('compare that base hash');
    // The choices are recomputed here from the published plaintext and nonce (BallotWriter marks option n of each contest on ballot n).
    expect(challenged.stdout).toContain(
      'The choices the station encrypted (recomputed here):\n  Amendment to the City Charter: Yes\n  City Council member: Leyla Rashidovna Guseynova\n',
    );
    const voided = await lookup(codes.voided, ...boards(), '--language', 'ru');
    expect(voided.code, voided.stderr).toBe(0);
    expect(voided.stdout).toContain(
      'участок station-1: аннулирован. Записан и подтверждён независимыми валидаторами: 2 из 3.',
    );
    const pending = await lookup(codes.pending, ...boards());
    expect(pending.code, pending.stderr).toBe(0);
    expect(pending.stdout).toContain(': recorded, not yet cast.');
  });

  it('with fewer boards than the threshold, says the ballot is not yet confirmed (exit 2)', async () => {
    const run = await lookup(codes.cast, '--board', validators[0]?.url ?? '');
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('Confirmed by 1 of 3 validators so far; 2 are needed for the record to be final.');
    expect(run.stderr).toContain('not yet confirmed by 2 validators');
  });

  it('says so when no board has the code, and refuses what is not a code or a board address', async () => {
    const unknown = await lookup(toBase64Url(new Uint8Array(32).fill(7)), ...boards());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no board asked has a ballot with this code (yet)');
    const badCode = await lookup('hello', ...boards());
    expect(badCode.code).toBe(1);
    expect(badCode.stderr).toContain('not a confirmation code');
    const badBoard = await lookup(codes.cast, '--board', 'validator-1');
    expect(badBoard.code).toBe(1);
    expect(badBoard.stderr).toContain("--board must be the board's address");
    for (const run of [unknown, badCode, badBoard]) expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('catches a board that serves a tampered inclusion proof or a forged cosignature, and never says recorded', async () => {
    const target = validators[0]?.url ?? '';
    const tamperedProof = await startLyingBoard(target, tamperProof);
    const forgedCosignature = await startLyingBoard(target, forgeCosignature('validator-1'));
    try {
      for (const [liar, check] of [
        [tamperedProof, 'inclusion'],
        [forgedCosignature, 'checkpoint'],
      ] as const) {
        const run = await lookup(codes.cast, '--board', liar.url);
        expect(run.code).toBe(1);
        expect(run.stdout).toContain(`${check} proof FAILED`);
        expect(run.stdout).not.toContain('Recorded');
        expect(run.stderr).toContain('NOT CONFIRMED: a board served proofs that do not verify');
        // Beside an honest board the ballot is still found, and the lie is reported.
        const mixed = await lookup(codes.cast, '--board', liar.url, '--board', validators[1]?.url ?? '');
        expect(mixed.code).toBe(1);
        expect(mixed.stdout).toContain('Confirmed by 1 of 3 validators so far');
        expect(mixed.stderr).toContain('1 board(s) served proofs that do not verify');
      }
    } finally {
      await tamperedProof.close();
      await forgedCosignature.close();
    }
  });
});

describe('the checks the page and the CLI share', () => {
  it('refuse every answer that claims more than it proves', async () => {
    const url = validators[0]?.url ?? '';
    const { election: recordElection, station: enrolled } = await trustFrom(url);
    const honest = (await answerOf(url, codes.cast)) as Record<string, unknown>;
    const check = (answer: unknown, code = lookupCode(codes.cast)) =>
      checkAnswer(recordElection, enrolled, code, answer);
    expect(check(honest)).toMatchObject({ ok: true, value: { status: 'cast', cosigners: ['validator-1'] } });

    const pending = (await answerOf(url, codes.pending)) as Record<string, unknown>;
    const challenged = (await answerOf(url, codes.challenged)) as Record<string, unknown>;
    const lies: [string, unknown, string, string?][] = [
      ['a pending ballot said to be cast', { ...pending, status: 'cast' }, 'resolution', codes.pending],
      [
        'the resolution of another ballot',
        {
          ...honest,
          resolution: {
            ...(honest['resolution'] as object),
            entry: JSON.stringify({ type: 'ballot-cast', v: 1, ballotId: 'someone-else' }),
          },
        },
        'resolution',
      ],
      ['a challenged ballot said to be cast', { ...challenged, status: 'cast' }, 'entry', codes.challenged],
      ['another ballot under this code', { ...honest, entry: pending['entry'], index: pending['index'] }, 'entry'],
      ['another station', { ...honest, stationId: 'station-9' }, 'answer'],
      ['the entry moved to another index', { ...honest, index: (honest['index'] as number) + 1 }, 'inclusion'],
      [
        'a checkpoint with no validator',
        { ...honest, checkpoint: (honest['checkpoint'] as string).replace(/\n— validator-1 [^\n]+/, '') },
        'checkpoint',
      ],
      ['not an answer at all', 'recorded!', 'answer'],
    ];
    for (const [what, answer, failing, code] of lies) {
      const result = check(answer, lookupCode(code ?? codes.cast));
      expect(result.ok, what).toBe(false);
      if (!result.ok) expect(result.error.check, `${what}: ${result.error.message}`).toBe(failing);
    }
    // (A board may still say pending for a cast ballot: one answer cannot prove that no later entry exists.
    // That is why the voter asks several boards, and why combineAnswers takes the furthest status.)
    // Asked for one code, an honest answer for another is refused.
    expect(check(honest, lookupCode(codes.pending))).toMatchObject({ ok: false, error: { check: 'entry' } });
  });

  it('put several boards together: a board that is behind may say pending, but two boards may not disagree', async () => {
    const [a, b] = validators;
    const { election: recordElection, station: enrolled } = await trustFrom(a?.url ?? '');
    const answers = await Promise.all(
      [a, b].map(async (v) =>
        checkAnswer(recordElection, enrolled, lookupCode(codes.cast), await answerOf(v?.url ?? '', codes.cast)),
      ),
    );
    const checked = answers.map((r) => {
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    });
    expect(combineAnswers(recordElection, checked)).toMatchObject({
      ok: true,
      value: { status: 'cast', cosigners: ['validator-1', 'validator-2'], confirmed: true },
    });
    const behind = { ...(checked[1] as (typeof checked)[number]), status: 'pending' as const };
    expect(combineAnswers(recordElection, [checked[0] as (typeof checked)[number], behind])).toMatchObject({
      ok: true,
      value: { status: 'cast' },
    });
    const voided = { ...(checked[1] as (typeof checked)[number]), status: 'voided' as const };
    expect(combineAnswers(recordElection, [checked[0] as (typeof checked)[number], voided])).toMatchObject({
      ok: false,
      error: { check: 'disagreement' },
    });
    expect(combineAnswers(recordElection, [])).toMatchObject({ ok: false });
  });
});
