/**
 * The proof pool (validator/verify-pool.ts) must not change what a validator decides:
 * two validators of one election, one checking proofs on its own thread and one with
 * two worker threads, get the same requests and must cosign the same logs, hold the
 * same totals and refuse the same entries with the same words.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../../core/encoding/bytes';
import type { LogKind } from '../../../core/ids';
import { MemoryEventLogger } from '../../../main/logging';
import type { LedgerStore } from '../../../main/ledger/store';
import { readValidatorConfig } from '../../../validator/config';
import { prepareValidator } from '../../../validator/run';
import type { ValidatorService } from '../../../validator/service';
import { MIN_POOLED_BALLOTS } from '../../../validator/verify-pool';
import { BallotWriter, makeTestElection, type TestElection } from './fixture';

let election: TestElection;
let plain: ValidatorService;
let pooled: ValidatorService;

async function open(index: number, verifyThreads: number): Promise<ValidatorService> {
  const validator = election.validators[index];
  if (validator === undefined) throw new Error('validator');
  const config = readValidatorConfig(election.writeConfig(validator, 0));
  if (!config.ok) throw new Error(config.error);
  const prepared = await prepareValidator(config.value, new MemoryEventLogger(), { verifyThreads });
  if (!prepared.ok) throw new Error(prepared.error);
  return prepared.value.service;
}

function request(ledger: LedgerStore, log: LogKind, from: number, to = ledger.size(log)) {
  const checkpoint = ledger.checkpointBetween(log, to - 1, to);
  if (checkpoint === undefined) throw new Error(`no checkpoint at ${to}`);
  return { origin: ledger.origin(log), from, entries: ledger.entryTexts(log, from, to), checkpoint: checkpoint.note };
}

/** Sends the same request to both validators and returns both answers, without cosignatures. */
async function both(body: unknown) {
  const [a, b] = [await plain.submitEntries(body), await pooled.submitEntries(body)];
  const strip = (r: typeof a) => (r.ok ? { ok: true, size: r.value.size } : { ok: false, error: r.error });
  return { plain: strip(a), pooled: strip(b) };
}

function writer(stationIndex: number, name: string): BallotWriter {
  const station = election.stations[stationIndex];
  if (station === undefined) throw new Error('station');
  return BallotWriter.open(election, station, path.join(election.dir, 'stations', name));
}

/** Flips one bit of byte `byte` of the response z of branch `branch` of the first selection's proof. */
function tamperProof(entry: Record<string, unknown>, branch: number, byte: number): void {
  const record = entry['ballot'] as { contests: { selections: { proof: { z: string }[] }[] }[] };
  const proof = record.contests[0]?.selections[0]?.proof[branch];
  if (proof === undefined) throw new Error('shape');
  const z = fromBase64Url(proof.z);
  z[byte] = ((z[byte] ?? 0) ^ 1) & 0xff;
  proof.z = toBase64Url(z);
}

beforeAll(async () => {
  election = makeTestElection({
    validators: 2,
    label: 'verify-pool',
    stations: [
      { id: 'station-1', precinct: 'uik-1201' },
      { id: 'station-2', precinct: 'uik-1202' },
    ],
  });
  plain = await open(0, 0);
  pooled = await open(1, 2);
  await pooled.verifyPool?.ready();
});

afterAll(async () => {
  await pooled.verifyPool?.close();
  await plain.store.close();
  await pooled.store.close();
  election.cleanup();
});

describe('validator proof pool', () => {
  it('accepts an honest batch, refuses a bad proof and a bad point exactly as the single-threaded validator', async () => {
    expect(pooled.verifyPool?.threads).toBe(2);
    const station = writer(0, 'honest-then-bad');
    station.openPolls();
    for (let i = 0; i < MIN_POOLED_BALLOTS + 8; i++) station.castBallot();
    station.challengeBallot();
    const honest = await both(request(station.ledger, 'ballots', 0));
    expect(honest.plain).toEqual({ ok: true, size: station.ledger.size('ballots') });
    expect(honest.pooled).toEqual(honest.plain);
    expect(pooled.verifyPool?.checked).toBe(MIN_POOLED_BALLOTS + 9);
    expect(JSON.stringify(await pooled.store.read.totals())).toBe(JSON.stringify(await plain.store.read.totals()));

    // A batch with a proof that fails (code computed over the tampered record), late in the batch.
    const from = station.ledger.size('ballots');
    const refusedCodes: string[] = [];
    for (let i = 0; i < MIN_POOLED_BALLOTS; i++) refusedCodes.push(station.castBallot());
    const pending = station.pendingEntry();
    tamperProof(pending.entry, 1, 0);
    station.append('ballots', pending.entry);
    const badProof = await both(request(station.ledger, 'ballots', from));
    expect(badProof.plain.ok).toBe(false);
    expect(badProof.pooled).toEqual(badProof.plain);
    expect(JSON.stringify(badProof.plain)).toContain('ballot-proof');
    expect(pooled.verifyPool?.checked).toBe(2 * MIN_POOLED_BALLOTS + 10);
    // The pooled validator wrote the batch's rows while its workers checked: the refusal takes them all back.
    for (const service of [plain, pooled]) {
      expect((await service.store.read.head(station.ledger.origin('ballots')))?.size).toBe(from);
      for (const code of refusedCodes) expect(await service.store.read.lookupConfirmationCode(code)).toBeUndefined();
    }
    expect(JSON.stringify(await pooled.store.read.totals())).toBe(JSON.stringify(await plain.store.read.totals()));
    station.close();

    // A ballot with a point that is not a group element: refused as a bad record, at its index.
    const other = writer(1, 'bad-point');
    other.openPolls();
    for (let i = 0; i < MIN_POOLED_BALLOTS; i++) other.castBallot();
    const broken = other.pendingEntry();
    const brokenRecord = broken.entry['ballot'] as { contests: { selections: { alpha: string }[] }[] };
    const selection = brokenRecord.contests[0]?.selections[0];
    if (selection === undefined) throw new Error('shape');
    selection.alpha = toBase64Url(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0)));
    other.append('ballots', broken.entry);
    const badPoint = await both(request(other.ledger, 'ballots', 0));
    expect(badPoint.plain.ok).toBe(false);
    expect(badPoint.pooled).toEqual(badPoint.plain);
    expect(JSON.stringify(badPoint.plain)).toContain('ballot-record');
    other.close();
  });

  it('names the lowest failing entry when the workers and the service thread each find one', async () => {
    // The workers check the first entries of a request, the service thread the last share.
    const station = writer(1, 'two-bad');
    station.openPolls();
    const tamper = (entry: Record<string, unknown>) => tamperProof(entry, 0, 1);
    const early = station.pendingEntry();
    tamper(early.entry);
    station.append('ballots', early.entry);
    for (let i = 0; i < MIN_POOLED_BALLOTS + 8; i++) station.castBallot();
    const late = station.pendingEntry();
    tamper(late.entry);
    station.append('ballots', late.entry);
    const checkedBefore = pooled.verifyPool?.checked ?? 0;
    const answers = await both(request(station.ledger, 'ballots', 0));
    expect(pooled.verifyPool?.checked).toBe(checkedBefore + MIN_POOLED_BALLOTS + 10);
    expect(answers.plain).toMatchObject({ ok: false, error: { code: 'ballot-proof', details: { index: 1 } } });
    expect(answers.pooled).toEqual(answers.plain);
    station.close();
  });

  it('refuses a broken confirmation chain after a bad proof as without the pool', async () => {
    // The pooled validator checks the entries while the workers check the proofs, as if
    // every proof held: a rule refusal must still win over an earlier bad proof, as it does
    // on one thread.
    const station = writer(1, 'rule-after-proof');
    station.openPolls();
    const badProof = station.pendingEntry();
    tamperProof(badProof.entry, 0, 2);
    station.append('ballots', badProof.entry);
    for (let i = 0; i < MIN_POOLED_BALLOTS; i++) station.castBallot();
    const wrongCode = station.pendingEntry();
    const code = fromBase64Url(wrongCode.entry['confirmationCode'] as string);
    code[0] = ((code[0] ?? 0) ^ 1) & 0xff;
    station.append('ballots', { ...wrongCode.entry, confirmationCode: toBase64Url(code) });
    const rule = await both(request(station.ledger, 'ballots', 0));
    expect(rule.plain).toMatchObject({ ok: false, error: { code: 'confirmation-code' } });
    expect(rule.pooled).toEqual(rule.plain);
    station.close();
  });

  it('checks a request on the service thread alone when the pool fails under it, with the same answer', async () => {
    // Last in this file: the pooled validator's pool is closed for good.
    const station = writer(1, 'pool-fails');
    station.openPolls();
    for (let i = 0; i < MIN_POOLED_BALLOTS + 4; i++) station.castBallot();
    const body = request(station.ledger, 'ballots', 0);
    const plainAnswer = await plain.submitEntries(body);
    const pooledAnswer = pooled.submitEntries(body);
    await pooled.verifyPool?.close();
    const answered = await pooledAnswer;
    expect(pooled.verifyPool?.healthy).toBe(false);
    expect(plainAnswer.ok).toBe(true);
    expect(answered.ok ? answered.value.size : answered.error).toBe(plainAnswer.ok ? plainAnswer.value.size : null);
    expect(JSON.stringify(await pooled.store.read.totals())).toBe(JSON.stringify(await plain.store.read.totals()));
    station.close();
  });
});
