/**
 * The insider with one station's disk (its signing key), against the whole chain of
 * checks: a real key ceremony (3 of 4 guardians), the signed package, station A
 * casting real ballots synced to three validator processes and exported.
 *
 *   1. Cross-station replay: a voter's cast ballot is copied byte for byte from A's
 *      public log into station B's log, B's confirmation code chained over it, B's
 *      checkpoint signed with B's own key. The validators refuse the push with
 *      `duplicate-ballot-id`, naming A's entry. Forced into the record with
 *      cosignatures re-made by t validator keys, `urna verify` fails naming the check,
 *      the station and the entry (the proofs are bound to A: `ballot-proof`), and the
 *      guardians' `urna tally share` refuses the record as well.
 *   2. B's own, correctly proved ballot under A's ballot id: refused by the validators
 *      and by `urna verify` as `duplicate-ballot-id`, naming both places.
 *   3. A's challenged ballot re-encrypted by B with the nonces A published, under a
 *      new ballot id and with proofs bound to B: `duplicate-ciphertext` at the
 *      validators and in `urna verify`, naming both places.
 *   4. A ballot with a selection encrypted under nonce 0 (α the identity, the vote in
 *      clear), its proofs correct: refused by the validators and `urna verify` as
 *      `identity-ciphertext`.
 *
 * Before the ballot binding and election-wide uniqueness, every one of these was
 * cosigned by every validator and the record verified (and B's totals decrypted).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contestTranscript,
  encrypt,
  encryptBallot,
  encryptedBallotToRecord,
  parseChallengedBallot,
  parseEncryptedBallot,
  proveRange,
  selectionNonce,
  selectionTranscript,
  systemRandom,
  type BallotBinding,
  type BallotId,
  type ContestManifest,
  type EncryptedBallot,
  type EncryptedContest,
  type Scalar,
} from '../../../core/ballot';
import { canonicalize } from '../../../core/encoding/canonical-json';
import { electionBaseHash } from '../../../core/election/package';
import { signNotOperated } from '../../../core/election/station-manifest';
import type { SelectionId, StationId } from '../../../core/ids';
import { cosign, ed25519Cosigner } from '../../../core/ledger/cosignature';
import { ed25519NoteSigner, formatSignatureLine } from '../../../core/ledger/note';
import { urnaAsync } from '../../support/guardian-machines';
import { runElection, type RecordRun } from '../record/fixture';
import { BallotWriter, entriesRequest, seedFor, type TestStationSpec } from '../validator/fixture';

const LABEL = 'cross-station-replay';
const STATION_A = 'station-a';

let run: RecordRun;
/** The honest record: station A only, exported from the validators, before any tally. */
let honest: string;
let copies = 0;
/** Station A's ballot-log entries, as the public record shows them. */
let aEntries: string[];

beforeAll(async () => {
  run = await runElection(LABEL, [
    { id: STATION_A, precinct: 'uik-1201', cast: 4, challenged: 1, voided: 0 },
    { id: 'station-b', precinct: 'uik-1201', cast: 0, challenged: 0, voided: 0, held: true },
    { id: 'station-c', precinct: 'uik-1201', cast: 0, challenged: 0, voided: 0, held: true },
    { id: 'station-d', precinct: 'uik-1201', cast: 0, challenged: 0, voided: 0, held: true },
    { id: 'station-e', precinct: 'uik-1201', cast: 0, challenged: 0, voided: 0, held: true },
  ]);
  honest = path.join(run.dir, 'record-honest');
  // The held stations have no logs yet: in the honest record the authority states they did not operate.
  const statements = ['station-b', 'station-c', 'station-d', 'station-e'].map((id) => {
    const signed = signNotOperated(
      id as StationId,
      ed25519NoteSigner('svetlogorye-commission', seedFor(`${LABEL}/authority`)),
      { definition: run.election.definition, baseHash: electionBaseHash(run.election.definition) },
    );
    if (!signed.ok) throw new Error(signed.error);
    const file = path.join(run.dir, `${id}.not-operated.json`);
    writeFileSync(file, JSON.stringify(signed.value));
    return file;
  });
  const exported = await urnaAsync([
    'record',
    'export',
    '--out',
    honest,
    '--election',
    run.election.packageFile,
    '--guardians',
    run.ceremonyDir,
    '--enrollments',
    path.join(run.dir, 'enrollments'),
    '--station-manifest',
    run.election.stationManifestFile,
    '--not-operated',
    ...statements,
    '--from',
    ...run.urls,
  ]);
  expect(exported.status, exported.stderr).toBe(0);
  aEntries = readFileSync(path.join(honest, 'stations', STATION_A, 'ballots', 'entries.jsonl'), 'utf8')
    .trimEnd()
    .split('\n');
}, 240_000);

afterAll(async () => {
  await run?.stop();
  run?.election.cleanup();
});

function spec(id: string): TestStationSpec {
  const found = run.election.stations.find((s) => s.stationId === id);
  if (found === undefined) throw new Error(`no station ${id}`);
  return found;
}

/** Station `id`'s logs, written by the insider: two honest voters, then `attack`, then the polls closed. */
function insiderLog(id: string, attack: (writer: BallotWriter) => number): { writer: BallotWriter; index: number } {
  const writer = BallotWriter.open(run.election, spec(id), path.join(run.dir, 'stations', id));
  writer.openPolls();
  writer.castBallot();
  writer.castBallot();
  const index = attack(writer);
  writer.castBallot();
  writer.closePolls();
  return { writer, index };
}

/** Every validator's answer to the station's whole ballot log in one push. */
async function pushBallots(
  writer: BallotWriter,
): Promise<{ status: number; code: string | undefined; message: string }[]> {
  const body = JSON.stringify(entriesRequest(writer.ledger, 'ballots', 0));
  return Promise.all(
    run.urls.map(async (url) => {
      const response = await fetch(new URL('/urna/v1/entries', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const text = await response.text();
      if (response.status === 200) return { status: 200, code: undefined, message: text };
      const parsed = JSON.parse(text) as { error: { code: string; message: string } };
      return { status: response.status, code: parsed.error.code, message: parsed.error.message };
    }),
  );
}

/**
 * The honest record plus the station's logs as the insider wrote them, each
 * checkpoint cosigned with keys of t validators (re-made, as if they had been stolen
 * or the validators had been fooled): every signature in the record is valid.
 */
function forcedRecord(writer: BallotWriter): string {
  const dir = path.join(run.dir, `forced-${copies++}`);
  cpSync(honest, dir, { recursive: true });
  const stationDir = path.join(dir, 'stations', writer.station.stationId);
  // The insider's station now has logs: the honest record's statement that it did not operate goes.
  rmSync(path.join(stationDir, 'not-operated.json'), { force: true });
  mkdirSync(path.join(stationDir, 'ballots'), { recursive: true });
  mkdirSync(path.join(stationDir, 'pollbook'), { recursive: true });
  writeFileSync(path.join(stationDir, 'station.vkey'), `${writer.station.signer.verifierKey}\n`);
  writeFileSync(
    path.join(stationDir, 'enrollment.json'),
    readFileSync(path.join(run.dir, 'enrollments', `${writer.station.stationId}.json`)),
  );
  writeFileSync(
    path.join(stationDir, 'ballots', 'entries.jsonl'),
    `${writer.ledger.entryTexts('ballots', 0, writer.ledger.size('ballots')).join('\n')}\n`,
  );
  const now = Math.floor(Date.now() / 1000);
  const cosigners = run.election.validators
    .slice(0, run.election.threshold)
    .map((v, i) => ed25519Cosigner(v.name, seedFor(`${LABEL}/validator/${i}`)));
  for (const log of ['ballots', 'pollbook'] as const) {
    const note = writer.ledger.checkpoint(log);
    if (note === undefined) throw new Error(`no ${log} checkpoint`);
    const body = note.slice(0, note.indexOf('\n\n') + 1);
    const lines = cosigners.map((c) => formatSignatureLine(cosign(body, c, now))).join('');
    writeFileSync(path.join(stationDir, log, 'checkpoint'), `${note}${lines}`);
  }
  return dir;
}

/** The guardians' tally of a record (any 3 of 4), then `urna verify` on it. */
async function tallyAndVerify(
  record: string,
): Promise<{ shares: number[]; verify: { status: number; output: string } }> {
  const shares: number[] = [];
  const files: string[] = [];
  for (const [i, key] of run.guardianFiles.slice(0, 3).entries()) {
    const out = path.join(record, '..', `${path.basename(record)}-share-${i + 1}.json`);
    const shared = await urnaAsync([
      'tally',
      'share',
      '--record',
      record,
      '--key',
      key,
      '--out',
      out,
      '--threads',
      '0',
    ]);
    shares.push(shared.status);
    files.push(out);
  }
  if (shares.every((s) => s === 0))
    await urnaAsync(['tally', 'combine', '--record', record, '--threads', '0', ...files]);
  const verified = await urnaAsync(['verify', record, '--threads', '0', '--quiet']);
  return { shares, verify: { status: verified.status, output: `${verified.stdout}${verified.stderr}` } };
}

/** Station A's cast ballots: [entry index, encrypted ballot], from its public log. */
function castAtA(): [number, EncryptedBallot][] {
  const cast = new Set(
    aEntries
      .map((t) => JSON.parse(t) as { type: string; ballotId?: string })
      .filter((e) => e.type === 'ballot-cast')
      .map((e) => e.ballotId),
  );
  const out: [number, EncryptedBallot][] = [];
  aEntries.forEach((text, index) => {
    const entry = JSON.parse(text) as { type: string; ballot?: unknown };
    if (entry.type !== 'ballot-pending') return;
    const ballot = parseEncryptedBallot(entry.ballot);
    if (!ballot.ok) throw new Error('station A holds a bad ballot');
    if (cast.has(ballot.value.ballotId)) out.push([index, ballot.value]);
  });
  return out;
}

describe('cross-station replay', () => {
  it("a cast ballot copied byte for byte into another station's log: the validators refuse it naming the duplicate; forced into the record, urna verify and the guardians refuse it", async () => {
    const [aIndex, victim] = castAtA()[1] as [number, EncryptedBallot];
    const { writer, index } = insiderLog('station-b', (w) => w.castEncrypted(victim));
    const copied = JSON.parse(writer.ledger.entryTexts('ballots', index, index + 1)[0] as string) as {
      ballot: unknown;
    };
    expect(canonicalize(copied.ballot)).toBe(
      canonicalize((JSON.parse(aEntries[aIndex] as string) as { ballot: unknown }).ballot),
    );

    const answers = await pushBallots(writer);
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 422, code: 'duplicate-ballot-id' });
      expect(answer.message).toBe(
        `entry ${index}: ballot id ${victim.ballotId} at station station-b entry ${index} was already shown at station ${STATION_A} entry ${aIndex}`,
      );
    }

    const record = forcedRecord(writer);
    writer.close();
    const { shares, verify } = await tallyAndVerify(record);
    expect(verify.status, verify.output).toBe(1);
    expect(verify.output).toContain(
      `FAILED: station station-b, ballots log, entry ${index}: V17 check ballot-proof failed: ballot ${victim.ballotId} fails selection-proof-challenge`,
    );
    expect(shares).toEqual([1, 1, 1]);
  });

  it("the insider's own, correctly proved ballot under a ballot id station A used: duplicate-ballot-id at the validators and in urna verify", async () => {
    const [aIndex, victim] = castAtA()[0] as [number, EncryptedBallot];
    const { writer, index } = insiderLog('station-c', (w) => {
      const own = encryptBallot(
        run.election.context,
        w.manifest,
        { stationId: w.station.stationId, ballotStyleId: w.ballotStyleId },
        { ballotId: victim.ballotId, choices: {} },
      );
      if (!own.ok) throw new Error('encrypt');
      return w.castEncrypted(own.value.ballot);
    });
    for (const answer of await pushBallots(writer)) {
      expect(answer).toMatchObject({ status: 422, code: 'duplicate-ballot-id' });
      expect(answer.message).toContain(
        `at station station-c entry ${index} was already shown at station ${STATION_A} entry ${aIndex}`,
      );
    }
    const record = forcedRecord(writer);
    writer.close();
    const { shares, verify } = await tallyAndVerify(record);
    expect(verify.status, verify.output).toBe(1);
    expect(verify.output).toContain(
      `FAILED: station station-c, ballots log, entry ${index}: V19 check duplicate-ballot-id failed: ballot id ${victim.ballotId} at station station-c entry ${index} was already shown at station ${STATION_A} entry ${aIndex}`,
    );
    expect(shares).toEqual([1, 1, 1]);
  });

  it("station A's challenged ballot re-encrypted by the insider with the nonces A published, proofs bound to its own station: duplicate-ciphertext at the validators and in urna verify", async () => {
    const aIndex = aEntries.findIndex((t) => (JSON.parse(t) as { type: string }).type === 'ballot-challenged');
    const challenged = JSON.parse(aEntries[aIndex] as string) as {
      ballotStyleId: string;
      ballot: unknown;
      challenge: unknown;
    };
    const opened = parseChallengedBallot(challenged.challenge);
    const published = parseEncryptedBallot(challenged.ballot);
    if (!opened.ok || !published.ok) throw new Error('station A holds a bad challenged ballot');
    const aBinding: BallotBinding = { stationId: STATION_A, ballotStyleId: challenged.ballotStyleId };
    const { writer, index } = insiderLog('station-e', (w) =>
      w.castEncrypted(
        reEncrypted(w, 're-used-1' as BallotId, (ci, si) => {
          const contest = w.manifest.contests[ci] as ContestManifest;
          const selectionId = contest.selections[si] as SelectionId;
          return {
            value: (opened.value.choices[contest.contestId] ?? []).includes(selectionId) ? 1 : 0,
            nonce: selectionNonce(
              run.election.context,
              aBinding,
              published.value.ballotId,
              contest.contestId,
              selectionId,
              opened.value.masterNonce,
            ),
          };
        }),
      ),
    );
    for (const answer of await pushBallots(writer)) {
      expect(answer).toMatchObject({ status: 422, code: 'duplicate-ciphertext' });
      expect(answer.message).toContain(
        `in ballot re-used-1 at station station-e entry ${index} has the α of a selection already shown at station ${STATION_A} entry ${aIndex}`,
      );
    }
    const record = forcedRecord(writer);
    writer.close();
    const { shares, verify } = await tallyAndVerify(record);
    expect(verify.status, verify.output).toBe(1);
    expect(verify.output).toContain(
      `FAILED: station station-e, ballots log, entry ${index}: V19 check duplicate-ciphertext failed: the ciphertext of`,
    );
    expect(verify.output).toContain(
      `at station station-e entry ${index} has the α of a selection already shown at station ${STATION_A} entry ${aIndex}`,
    );
    expect(shares).toEqual([1, 1, 1]);
  });

  it('a ballot whose selection is encrypted with nonce 0 (α the identity, the vote in clear) with correct proofs: identity-ciphertext at the validators and in urna verify', async () => {
    const { writer, index } = insiderLog('station-d', (w) =>
      w.castEncrypted(revealingBallot(w, 'revealing-1' as BallotId)),
    );
    for (const answer of await pushBallots(writer)) {
      expect(answer).toMatchObject({ status: 422, code: 'identity-ciphertext' });
      expect(answer.message).toContain(`entry ${index}: ballot revealing-1 encrypts`);
    }
    const record = forcedRecord(writer);
    writer.close();
    const { shares, verify } = await tallyAndVerify(record);
    expect(verify.status, verify.output).toBe(1);
    expect(verify.output).toContain(
      `FAILED: station station-d, ballots log, entry ${index}: V14 check identity-ciphertext failed: ballot revealing-1 encrypts`,
    );
    expect(shares).toEqual([1, 1, 1]);
  });
});

/**
 * A ballot the insider encrypts with values and nonces of its choosing, every proof
 * made honestly for them and bound to the writer's station and style: only the
 * checks on the ciphertexts themselves can object.
 */
function reEncrypted(
  writer: BallotWriter,
  ballotId: BallotId,
  choose: (ci: number, si: number) => { value: number; nonce: Scalar },
): EncryptedBallot {
  const { context } = run.election;
  const binding: BallotBinding = { stationId: writer.station.stationId, ballotStyleId: writer.ballotStyleId };
  const contests: EncryptedContest[] = writer.manifest.contests.map((contest, ci) => {
    let nonceSum = 0n;
    let valueSum = 0;
    const selections = contest.selections.map((selectionId: SelectionId, si) => {
      const { value, nonce } = choose(ci, si);
      nonceSum += nonce;
      valueSum += value;
      const ciphertext = encrypt(context, value, nonce);
      const proof = proveRange(
        context,
        selectionTranscript(context, binding, ballotId, contest.contestId, selectionId, ciphertext),
        nonce,
        value,
        1,
        systemRandom,
      );
      return { selectionId, ciphertext, proof };
    });
    const proof = proveRange(
      context,
      contestTranscript(context, binding, ballotId, contest.contestId, contest.limit, selections),
      nonceSum,
      valueSum,
      contest.limit,
      systemRandom,
    );
    return { contestId: contest.contestId, selections, proof };
  });
  return { ballotId, contests };
}

/** A vote for the first selection of every contest, encrypted with nonce 0 (α the identity), the others with honest nonces. */
function revealingBallot(writer: BallotWriter, ballotId: BallotId): EncryptedBallot {
  const master = seedFor(`${LABEL}/revealing`);
  const binding: BallotBinding = { stationId: writer.station.stationId, ballotStyleId: writer.ballotStyleId };
  const ballot = reEncrypted(writer, ballotId, (ci, si) => {
    const contest = writer.manifest.contests[ci] as ContestManifest;
    return {
      value: si === 0 ? 1 : 0,
      nonce:
        si === 0
          ? 0n
          : selectionNonce(
              run.election.context,
              binding,
              ballotId,
              contest.contestId,
              contest.selections[si] as SelectionId,
              master,
            ),
    };
  });
  // The α of each first selection is 32 zero bytes on the wire.
  expect(encryptedBallotToRecord(ballot).contests.every((c) => c.selections[0]?.alpha === 'A'.repeat(43))).toBe(true);
  return ballot;
}
