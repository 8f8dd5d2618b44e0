/**
 * One validator, in process, over its real HTTP routes (fastify inject): an honest
 * station is cosigned; each kind of bad log is refused with its own code and leaves
 * the validator's state unchanged; a fork becomes public evidence and freezes the
 * station; the bulletin board answers "was my ballot recorded?" with a proof.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupElement } from '../../../core/ballot';
import { fromBase64, fromBase64Url, toBase64Url } from '../../../core/encoding/bytes';
import { sha256 } from '../../../core/encoding/hash';
import type { LogKind } from '../../../core/ids';
import { verifyCosignedCheckpoint } from '../../../core/ledger/cosignature';
import { leafHash, verifyInclusion } from '../../../core/ledger/merkle';
import { formatAddCheckpointRequest } from '../../../core/ledger/witness-protocol';
import { parseCheckpoint } from '../../../core/ledger/checkpoint';
import { MemoryEventLogger } from '../../../main/logging';
import type { LedgerStore } from '../../../main/ledger/store';
import { readValidatorConfig } from '../../../validator/config';
import { prepareValidator } from '../../../validator/run';
import { buildValidatorServer } from '../../../validator/server';
import type { ValidatorService } from '../../../validator/service';
import { BallotWriter, cosignerOf, entriesRequest, makeTestElection, type TestElection } from './fixture';
import { prepareStore } from './stores';

let election: TestElection;
let server: FastifyInstance;
let service: ValidatorService;
const logger = new MemoryEventLogger();

async function post(body: unknown) {
  const response = await server.inject({
    method: 'POST',
    url: '/urna/v1/entries',
    payload: body as Record<string, unknown>,
  });
  return {
    status: response.statusCode,
    json: response.json<
      Record<string, unknown> & { error?: { code: string; message: string; size?: number; index?: number } }
    >(),
  };
}

async function sync(ledger: LedgerStore, log: LogKind) {
  const logs = (await server.inject({ method: 'GET', url: '/urna/v1/logs' })).json<{
    logs: { origin: string; size: number }[];
  }>();
  const from = logs.logs.find((l) => l.origin === ledger.origin(log))?.size ?? 0;
  return post(entriesRequest(ledger, log, from));
}

function writer(stationIndex: number, name: string): BallotWriter {
  const station = election.stations[stationIndex];
  if (station === undefined) throw new Error('station');
  return BallotWriter.open(election, station, path.join(election.dir, 'stations', name));
}

/** Everything a refused request must leave untouched. */
async function snapshot() {
  const logs = (await server.inject({ method: 'GET', url: '/urna/v1/logs' })).json<unknown>();
  const totals = (await server.inject({ method: 'GET', url: '/urna/v1/totals' })).json<unknown>();
  return JSON.stringify({ logs, totals, evidence: await service.store.read.evidenceCount() });
}

beforeAll(async () => {
  election = makeTestElection({
    validators: 3,
    stations: [
      { id: 'station-1', precinct: 'uik-1201' },
      { id: 'station-2', precinct: 'uik-1202' },
      { id: 'station-3', precinct: 'uik-1201' },
      { id: 'station-4', precinct: 'uik-1201' },
    ],
  });
  const validator = election.validators[0];
  if (validator === undefined) throw new Error('validator');
  election.writeConfig(validator, 0);
  await prepareStore(validator);
  const config = readValidatorConfig(validator.configFile);
  if (!config.ok) throw new Error(config.error);
  const prepared = await prepareValidator(config.value, logger);
  if (!prepared.ok) throw new Error(prepared.error);
  service = prepared.value.service;
  server = buildValidatorServer(service, logger, config.value.httpLimits);
});

afterAll(async () => {
  await server.close();
  await service.store.close();
  election.cleanup();
});

describe('an honest station', () => {
  it('is cosigned for both logs; the totals, the ballot lookup and the proofs check out', async () => {
    const station = writer(0, 'honest');
    station.openPolls();
    const codes = [station.castBallot(), station.castBallot(), station.castBallot()];
    const challenged = station.challengeBallot();
    codes.push(station.castBallot());

    for (const log of ['ballots', 'pollbook'] as const) {
      const result = await sync(station.ledger, log);
      expect(result.status, JSON.stringify(result.json)).toBe(200);
      expect(result.json['size']).toBe(station.ledger.size(log));
      const validator = election.validators[0];
      if (validator === undefined) throw new Error('validator');
      const verified = verifyCosignedCheckpoint(result.json['checkpoint'] as string, [cosignerOf(validator)]);
      expect(verified.ok && verified.value.length).toBe(1);
    }

    // "Was my ballot recorded?": the entry, its inclusion proof and the cosigned checkpoint.
    for (const code of [...codes, challenged]) {
      const response = await server.inject({ method: 'GET', url: `/urna/v1/confirmation/${code}` });
      expect(response.statusCode).toBe(200);
      const body = response.json<{
        entry: string;
        index: number;
        size: number;
        inclusionProof: string[];
        checkpoint: string;
        status: string;
      }>();
      expect(body.status).toBe(code === challenged ? 'challenged' : 'cast');
      const checkpoint = parseCheckpoint(body.checkpoint.slice(0, body.checkpoint.indexOf('\n\n') + 1));
      if (!checkpoint.ok) throw new Error('checkpoint');
      const leaf = leafHash(new TextEncoder().encode(body.entry));
      expect(
        verifyInclusion(
          leaf,
          body.index,
          body.size,
          body.inclusionProof.map((p) => fromBase64(p)),
          checkpoint.value.rootHash,
        ),
      ).toBe(true);
    }

    const totals = (await server.inject({ method: 'GET', url: '/urna/v1/totals' })).json<{
      stations: {
        stationId: string;
        contests: { contestId: string; ballots: number; selections: { alpha: string }[] }[];
      }[];
    }>();
    const mine = totals.stations.find((s) => s.stationId === 'station-1');
    expect(mine?.contests.map((c) => c.ballots)).toEqual([4, 4]);
    for (const contest of mine?.contests ?? [])
      for (const s of contest.selections) expect(GroupElement.fromBase64Url(s.alpha).ok).toBe(true);

    // A replay of what was already accepted changes nothing and says where the log stands.
    const before = await snapshot();
    const replay = await post(entriesRequest(station.ledger, 'ballots', 0));
    expect(replay.status).toBe(409);
    expect(replay.json.error?.code).toBe('old-size-mismatch');
    expect(replay.json.error?.size).toBe(station.ledger.size('ballots'));
    expect(await snapshot()).toBe(before);

    // tlog-witness add-checkpoint for the current size returns the cosignature again.
    const size = station.ledger.size('ballots');
    const again = await server.inject({
      method: 'POST',
      url: '/add-checkpoint',
      payload: formatAddCheckpointRequest(size, [], station.ledger.checkpoint('ballots')),
      headers: { 'content-type': 'text/plain' },
    });
    expect(again.statusCode).toBe(200);
    expect(again.body.startsWith('— validator-1 ')).toBe(true);
    const stale = await server.inject({
      method: 'POST',
      url: '/add-checkpoint',
      payload: formatAddCheckpointRequest(size - 1, [], station.ledger.checkpoint('ballots')),
      headers: { 'content-type': 'text/plain' },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.headers['content-type']).toBe('text/x.tlog.size');
    expect(stale.body).toBe(`${size}\n`);

    // More ballots: add-checkpoint with a valid proof but without the entries is 422 entries-required; a bad proof is 422 too.
    station.castBallot();
    const newSize = station.ledger.size('ballots');
    const proof = station.ledger.consistencyProof('ballots', size, newSize);
    if (!proof.ok) throw new Error('proof');
    const withoutEntries = await server.inject({
      method: 'POST',
      url: '/add-checkpoint',
      payload: formatAddCheckpointRequest(size, proof.value, station.ledger.checkpoint('ballots')),
    });
    expect(withoutEntries.statusCode).toBe(422);
    expect(withoutEntries.json<{ error: { code: string } }>().error.code).toBe('entries-required');
    const badProof = await server.inject({
      method: 'POST',
      url: '/add-checkpoint',
      payload: formatAddCheckpointRequest(
        size,
        [sha256(new Uint8Array(1)), ...proof.value.slice(1)],
        station.ledger.checkpoint('ballots'),
      ),
    });
    expect(badProof.statusCode).toBe(422);
    expect(badProof.json<{ error: { code: string } }>().error.code).toBe('bad-consistency-proof');

    // Poll-book entries are not public.
    const pollbook = await server.inject({ method: 'GET', url: '/urna/v1/logs/station-1/pollbook/entries' });
    expect(pollbook.statusCode).toBe(403);
    station.close();
  });
});

describe('refusals', () => {
  it('refuses a ballot whose proof does not verify, a broken chain, and entries that do not match the checkpoint', async () => {
    const station = writer(1, 'tampered');
    station.openPolls();
    station.castBallot();
    expect((await sync(station.ledger, 'ballots')).status).toBe(200);

    // The station signs a log holding a ballot whose ciphertext was swapped after the proofs were made.
    const pending = station.pendingEntry();
    const record = pending.entry['ballot'] as { contests: { selections: { alpha: string; beta: string }[] }[] };
    const first = record.contests[0]?.selections[0];
    const second = record.contests[0]?.selections[1];
    if (first === undefined || second === undefined) throw new Error('shape');
    [first.alpha, second.alpha] = [second.alpha, first.alpha];
    station.append('ballots', pending.entry);
    const before = await snapshot();
    const refused = await sync(station.ledger, 'ballots');
    expect(refused.status).toBe(422);
    // Swapping ciphertexts changes what the code commits to, so the chain check fires first.
    expect(['confirmation-code', 'ballot-proof']).toContain(refused.json.error?.code);
    expect(await snapshot()).toBe(before);
    station.close();
  });

  it('refuses a proof that fails even when the code was computed over the tampered ballot', async () => {
    const station = writer(2, 'bad-proof');
    station.openPolls();
    const pending = station.pendingEntry();
    const record = pending.entry['ballot'] as {
      contests: { selections: { alpha: string; proof: { z: string }[] }[] }[];
    };
    const branch = record.contests[0]?.selections[0]?.proof[0];
    if (branch === undefined) throw new Error('shape');
    // A different (valid) response scalar: the proof no longer holds, the ciphertexts (and code) stay.
    const z = fromBase64Url(branch.z);
    z[0] = ((z[0] ?? 0) ^ 1) & 0xff;
    branch.z = toBase64Url(z);
    station.append('ballots', pending.entry);
    const before = await snapshot();
    const refused = await sync(station.ledger, 'ballots');
    expect(refused.status).toBe(422);
    expect(refused.json.error?.code).toBe('ballot-proof');
    expect(refused.json.error?.index).toBe(1);
    expect(await snapshot()).toBe(before);
    station.close();
  });

  it('refuses a broken confirmation-code chain, a cast without a pending ballot, and a ballot after the polls closed', async () => {
    const chain = writer(3, 'broken-chain');
    chain.openPolls();
    chain.castBallot();
    const skipped = chain.pendingEntry(); // shown but never logged: the next code no longer follows the log
    void skipped;
    chain.castBallot();
    const before = await snapshot();
    const refused = await sync(chain.ledger, 'ballots');
    expect(refused.status).toBe(422);
    expect(refused.json.error?.code).toBe('confirmation-code');
    expect(refused.json.error?.index).toBe(3);
    expect(await snapshot()).toBe(before);
    chain.close();

    const late = writer(3, 'after-close');
    late.openPolls();
    late.castBallot();
    late.closePolls();
    late.append('ballots', late.pendingEntry().entry);
    const afterClose = await sync(late.ledger, 'ballots');
    expect(afterClose.status).toBe(422);
    expect(afterClose.json.error?.code).toBe('polls-not-open');
    late.close();

    const orphan = writer(3, 'orphan-cast');
    orphan.openPolls();
    orphan.append('ballots', { type: 'ballot-cast', v: 1, ballotId: 'never-pending' });
    const cast = await sync(orphan.ledger, 'ballots');
    expect(cast.status).toBe(422);
    expect(cast.json.error?.code).toBe('ballot-not-pending');
    orphan.close();

    const early = writer(3, 'before-open');
    early.append('ballots', early.pendingEntry().entry);
    const beforeOpen = await sync(early.ledger, 'ballots');
    expect(beforeOpen.status).toBe(422);
    expect(beforeOpen.json.error?.code).toBe('polls-not-open');
    early.close();
    expect(await snapshot()).toBe(before);
  });

  it('checks the poll book by its own lifecycle and its own count: no check-in before it opens or after it closes', async () => {
    const checkIn = (w: BallotWriter, voter: string) => ({
      type: 'check-in',
      v: 1,
      voterHash: toBase64Url(sha256(new TextEncoder().encode(voter))),
      precinctId: w.station.precinctId,
      ballotStyleId: w.ballotStyleId,
      activation: 'kiosk',
    });
    const before = await snapshot();

    const early = writer(3, 'pollbook-before-open');
    early.append('pollbook', checkIn(early, 'early voter'));
    const beforeOpen = await sync(early.ledger, 'pollbook');
    expect(beforeOpen.status).toBe(422);
    expect(beforeOpen.json.error?.code).toBe('polls-not-open');
    expect(beforeOpen.json.error?.index).toBe(0);
    early.close();

    const late = writer(3, 'pollbook-after-close');
    late.openPolls();
    late.castBallot();
    late.closePolls();
    late.append('pollbook', checkIn(late, 'late voter'));
    // The ballot log of the same station is in order: only the poll book is refused.
    const afterClose = await sync(late.ledger, 'pollbook');
    expect(afterClose.status).toBe(422);
    expect(afterClose.json.error?.code).toBe('polls-not-open');
    expect(afterClose.json.error?.index).toBe(3);
    late.close();

    const miscounted = writer(3, 'pollbook-miscounted');
    miscounted.openPolls();
    miscounted.castBallot();
    // One check-in before it; a close that states the ballot count's place would state 1 too, so state 0.
    miscounted.append('pollbook', { type: 'pollbook-closed', v: 1, checkIns: 0 });
    const wrongCount = await sync(miscounted.ledger, 'pollbook');
    expect(wrongCount.status).toBe(422);
    expect(wrongCount.json.error?.code).toBe('check-ins-mismatch');
    expect(wrongCount.json.error?.index).toBe(2);
    miscounted.close();
    expect(await snapshot()).toBe(before);
  });

  it('refuses entries that are not what the station signed, unknown stations and other keys', async () => {
    const station = writer(3, 'transit');
    station.openPolls();
    station.castBallot();
    const honest = entriesRequest(station.ledger, 'ballots', 0);
    const before = await snapshot();
    const swapped = await post({ ...honest, entries: [...honest.entries].reverse() });
    expect(swapped.status).toBe(422);
    expect(swapped.json.error?.code).toBe('root-mismatch');
    const unknown = await post({
      ...honest,
      origin: honest.origin.replace('station-4', 'station-9'),
      checkpoint: honest.checkpoint.replace('station-4', 'station-9'),
    });
    expect(unknown.status).toBe(404);
    // Signed by another enrolled station's key, under this station's origin.
    const other = writer(0, 'other-key');
    const forged = other.ledger.checkpoint('ballots').split('\n\n')[1];
    const text = honest.checkpoint.slice(0, honest.checkpoint.indexOf('\n\n') + 2);
    const wrongKey = await post({ ...honest, checkpoint: `${text}${forged?.replace('station-1', 'station-4') ?? ''}` });
    expect(wrongKey.status).toBe(403);
    other.close();
    expect(await snapshot()).toBe(before);
    station.close();
  });
});

describe('a station that forks its log', () => {
  it('is refused, the evidence is served, and it gets no further cosignatures', async () => {
    const a = writer(1, 'fork-a');
    const b = writer(1, 'fork-b');
    for (const s of [a, b]) s.openPolls();
    a.castBallot();
    b.castBallot(); // same size, different ballot: a different root signed by the same key
    expect(a.ledger.size('ballots')).toBe(b.ledger.size('ballots'));
    // The validator already holds station-2's first entries (the "tampered" log above).
    const known = (await server.inject({ method: 'GET', url: '/urna/v1/logs' })).json<{
      logs: { origin: string; size: number }[];
    }>();
    const held = known.logs.find((l) => l.origin === a.ledger.origin('ballots'))?.size ?? 0;
    // The fork shows as soon as the validator sees a checkpoint for a size it already holds with another root.
    const size = Math.min(held, b.ledger.size('ballots'));
    const forkCheckpoint = b.ledger.checkpointBetween('ballots', size - 1, size);
    if (forkCheckpoint === undefined) throw new Error('checkpoint');
    const response = await server.inject({
      method: 'POST',
      url: '/add-checkpoint',
      payload: formatAddCheckpointRequest(size, [], forkCheckpoint.note),
    });
    expect(response.statusCode).toBe(409);
    const evidence = (await server.inject({ method: 'GET', url: '/urna/v1/evidence' })).json<{
      evidence: { kind: string; stationId: string; body: { conflicting: string; recorded: string } }[];
    }>();
    const fork = evidence.evidence.find((e) => e.kind === 'fork' && e.stationId === 'station-2');
    expect(fork?.body.conflicting).toBe(forkCheckpoint.note);
    expect(logger.events.some((e) => e.eventId === 'validator.fork-detected')).toBe(true);

    // Frozen: even an otherwise valid continuation is refused, with the evidence named.
    a.castBallot();
    const next = await sync(a.ledger, 'ballots');
    expect(next.status).toBe(403);
    expect(next.json.error?.code).toBe('station-equivocated');
    a.close();
    b.close();
  });
});

describe('poll-book duplicates across stations', () => {
  it('accepts both check-ins and flags the pair as evidence for officials', async () => {
    const voterHash = toBase64Url(sha256(new TextEncoder().encode('one voter, two stations')));
    const checkIn = (w: BallotWriter) => ({
      type: 'check-in',
      v: 1,
      voterHash,
      precinctId: w.station.precinctId,
      ballotStyleId: w.ballotStyleId,
      activation: 'kiosk',
    });
    const first = writer(0, 'honest'); // station-1, cosigned above: its poll book continues
    first.append('pollbook', checkIn(first));
    expect((await sync(first.ledger, 'pollbook')).status).toBe(200);
    const second = writer(2, 'dup-2'); // station-3: nothing cosigned yet
    second.openPolls();
    second.append('pollbook', checkIn(second));
    const before = await service.store.read.evidenceCount();
    const accepted = await sync(second.ledger, 'pollbook');
    expect(accepted.status, JSON.stringify(accepted.json)).toBe(200);
    expect(await service.store.read.evidenceCount()).toBe(before + 1);
    const evidence = (await server.inject({ method: 'GET', url: '/urna/v1/evidence' })).json<{
      evidence: { kind: string; body: unknown }[];
    }>();
    const duplicate = evidence.evidence.find((e) => e.kind === 'pollbook-duplicate');
    // The keyed voter hash stays with the validator; the public sees which entries collide.
    expect(JSON.stringify(duplicate?.body)).not.toContain(voterHash);
    expect(duplicate?.body).toMatchObject({
      checkIn: { stationId: 'station-3', log: 'pollbook', index: 1 },
      earlier: [{ stationId: 'station-1' }],
    });
    expect(logger.events.some((e) => e.eventId === 'validator.pollbook-duplicate')).toBe(true);
    first.close();
    second.close();
  });
});

describe('ballot reissues in the poll book', () => {
  it('accepts a reissue only for a voter checked in earlier in the same poll book, and checks the reissue count', async () => {
    const before = await snapshot();
    const refusal = async (name: string, write: (w: BallotWriter) => void) => {
      const w = writer(3, name); // station-4: nothing of it cosigned so far
      w.openPolls();
      write(w);
      const result = await sync(w.ledger, 'pollbook');
      w.close();
      return { status: result.status, code: result.json.error?.code, index: result.json.error?.index };
    };

    // Nobody checked in with that hash.
    expect(await refusal('reissue-stranger', (w) => w.reissueBallot(BallotWriter.voterHash('never here')))).toEqual({
      status: 422,
      code: 'reissue-without-check-in',
      index: 1,
    });
    // Checked in, but at station-1 and station-3 (the duplicate above), not in this poll book.
    const elsewhere = toBase64Url(sha256(new TextEncoder().encode('one voter, two stations')));
    expect(await refusal('reissue-elsewhere', (w) => w.reissueBallot(elsewhere))).toEqual({
      status: 422,
      code: 'reissue-without-check-in',
      index: 1,
    });
    // A reissue the closing entry leaves out, in v2 and in v1 (which states none).
    expect(
      await refusal('reissue-miscounted', (w) => {
        w.castBallot('carol');
        w.reissueBallot(BallotWriter.voterHash('carol'));
        w.append('pollbook', { type: 'pollbook-closed', v: 2, checkIns: 1, ballotsReissued: 0 });
      }),
    ).toEqual({ status: 422, code: 'ballots-reissued-mismatch', index: 3 });
    expect(
      await refusal('reissue-v1-close', (w) => {
        w.castBallot('dave');
        w.reissueBallot(BallotWriter.voterHash('dave'));
        w.append('pollbook', { type: 'pollbook-paused', v: 1, checkIns: 1 });
      }),
    ).toEqual({ status: 422, code: 'ballots-reissued-mismatch', index: 3 });
    // After the poll book closed.
    expect(
      await refusal('reissue-after-close', (w) => {
        w.castBallot('eve');
        w.closePolls();
        w.reissueBallot(BallotWriter.voterHash('eve'));
      }),
    ).toEqual({ status: 422, code: 'polls-not-open', index: 3 });
    expect(await snapshot()).toBe(before);

    // Honest: the check-in cosigned in one batch, the reissue in the next; another voter's check-in and reissue in one batch.
    const honest = writer(3, 'reissue-honest');
    honest.openPolls();
    honest.castBallot('frank');
    expect((await sync(honest.ledger, 'pollbook')).status).toBe(200);
    honest.reissueBallot(BallotWriter.voterHash('frank'));
    honest.castBallot('grace');
    honest.reissueBallot(BallotWriter.voterHash('grace'));
    honest.closePolls();
    const accepted = await sync(honest.ledger, 'pollbook');
    expect(accepted.status, JSON.stringify(accepted.json)).toBe(200);
    expect(accepted.json['size']).toBe(honest.ledger.size('pollbook'));
    expect(
      honest.ledger.entries('pollbook', honest.ledger.size('pollbook') - 1, honest.ledger.size('pollbook')),
    ).toEqual([{ type: 'pollbook-closed', v: 2, checkIns: 2, ballotsReissued: 2 }]);
    honest.close();
  });
});
