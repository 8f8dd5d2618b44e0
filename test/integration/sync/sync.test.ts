/**
 * A station syncs real encrypted ballots to four real validator processes
 * (`urna validator start`) on loopback, each behind a TCP proxy the test controls.
 * t = 3 of 4. Scenario, in order:
 *   1. validator-4 is down (its proxy refuses every connection, as for a pulled
 *      cable — not a fixed port assumed closed, which a CI host may well have open):
 *      the other three bring both logs to quorum;
 *   2. validator-4's address now answers with garbage cosignatures: it is reported
 *      and ignored, quorum holds;
 *   3. during a 200-entry backlog pushed in small batches, validator-1 is SIGKILLed
 *      mid-ingest and validator-2's network is cut; both recover (validator-1 on a
 *      new port, same data folder), and the real validator-4 comes back empty;
 *   4. every validator holds every entry exactly once, with the station's root, and
 *      the final checkpoint carries t valid cosignatures.
 * A sync client restarted on the same data folder resumes where it left off.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogKind } from '../../../core/ids';
import { openCheckpoint } from '../../../core/ledger/checkpoint';
import { verifyCosignedCheckpoint } from '../../../core/ledger/cosignature';
import { noteVerifierFromKey } from '../../../core/ledger/note';
import { MemoryEventLogger } from '../../../main/logging';
import { SyncClient, validatorsOf } from '../../../main/sync/sync-client';
import { BallotWriter, cosignerOf, makeTestElection, ValidatorProcess, type TestElection } from '../validator/fixture';
import { waitFor } from '../../support/wait-for';
import { LoopbackProxy, portOf, startGarbageValidator } from './support';

let election: TestElection;
let station: BallotWriter;
const processes: ValidatorProcess[] = [];
const proxies: LoopbackProxy[] = [];
const proxyUrls: Record<string, string> = {};
const cleanups: (() => Promise<void>)[] = [];

function makeClient(logger: MemoryEventLogger): SyncClient {
  return new SyncClient({
    source: station.ledger,
    validators: validatorsOf(election.definition, proxyUrls),
    threshold: election.threshold,
    dataDir: path.join(election.dir, 'station-data'),
    logger,
    batchSize: 16,
    requestTimeoutMs: 5_000,
    backoff: { initialMs: 40, maxMs: 400 },
    pollMs: 100,
  });
}

async function validatorEntries(url: string, log: LogKind): Promise<string[]> {
  const out: string[] = [];
  for (let page = 0; page < 100; page++) {
    const response = await fetch(new URL(`/urna/v1/logs/station-1/${log}/entries?start=${out.length}`, url));
    if (response.status !== 200) throw new Error(`entries: HTTP ${response.status}`);
    const body = (await response.json()) as { entries: string[]; size: number };
    out.push(...body.entries);
    if (out.length >= body.size) return out;
  }
  throw new Error('entries: too many pages');
}

beforeAll(async () => {
  election = makeTestElection({ validators: 4, stations: [{ id: 'station-1', precinct: 'uik-1201' }], label: 'sync' });
  const station1 = election.stations[0];
  if (station1 === undefined) throw new Error('station');
  station = BallotWriter.open(election, station1, path.join(election.dir, 'station-data'));
  for (const validator of election.validators) processes.push(new ValidatorProcess(election.writeConfig(validator, 0)));
  const urls = await Promise.all(processes.slice(0, 3).map((p) => p.start()));
  for (const [i, validator] of election.validators.entries()) {
    const proxy = new LoopbackProxy(portOf(urls[Math.min(i, 2)] as string));
    // validator-4 is not started: its proxy refuses every connection until it is.
    if (i === 3) proxy.cutNetwork();
    proxies.push(proxy);
    proxyUrls[validator.name] = await proxy.start();
  }
}, 120_000);

afterAll(async () => {
  station.close();
  for (const cleanup of cleanups) await cleanup();
  await Promise.all(processes.map((p) => p.stop()));
  await Promise.all(proxies.map((p) => p.close()));
  election.cleanup();
});

describe('station sync to four validators, t = 3', () => {
  it('reaches quorum, survives garbage, kills, cuts and restarts, and every validator holds each entry exactly once', async () => {
    const logger = new MemoryEventLogger();
    let client = makeClient(logger);
    const quorumAt = (c: SyncClient, log: LogKind) => c.status().logs.find((l) => l.log === log)?.finalSize ?? -1;
    const progressOf = (name: string) => client.status().validators.find((v) => v.name === name);
    // Under a loaded CI machine each step may take far longer than alone; these limits catch hangs only.
    const patience = 120_000;

    // 1. Three of four validators up.
    station.openPolls();
    for (let i = 0; i < 6; i++) station.castBallot();
    client.start();
    await waitFor(() => client.status().quorum, {
      what: 'quorum with validator-4 down',
      timeout: patience,
      state: () => client.status(),
    });
    expect(quorumAt(client, 'ballots')).toBe(station.ledger.size('ballots'));
    await waitFor(
      () => {
        const v4 = progressOf('validator-4');
        return (v4?.consecutiveFailures ?? 0) > 0 && v4?.lastError?.code === 'unreachable' && v4.cosigned.ballots === 0;
      },
      { what: 'validator-4 reported unreachable', timeout: patience, state: () => progressOf('validator-4') },
    );

    // 2. validator-4's address answers with garbage cosignatures.
    const garbage = await startGarbageValidator('validator-4');
    cleanups.push(() => garbage.close());
    proxies[3]?.retarget(garbage.port);
    proxies[3]?.restoreNetwork();
    station.castBallot();
    client.nudge();
    await waitFor(() => (progressOf('validator-4')?.badCosignatures ?? 0) > 0, {
      what: 'validator-4 reported for bad cosignatures',
      timeout: patience,
      state: () => progressOf('validator-4'),
    });
    await waitFor(() => client.status().quorum, {
      what: 'quorum despite garbage',
      timeout: patience,
      state: () => client.status(),
    });
    const finalNote = client.status().logs.find((l) => l.log === 'ballots')?.finalCheckpoint ?? '';
    expect(finalNote).not.toContain('— validator-4 ');
    expect(logger.events.some((e) => e.eventId === 'sync.bad-cosignature')).toBe(true);

    // A sync client restarted on the same folder starts from what was acknowledged.
    await client.stop();
    const resumed = makeClient(logger);
    expect(resumed.status().validators.find((v) => v.name === 'validator-1')?.acked.ballots).toBe(
      station.ledger.size('ballots'),
    );
    expect(resumed.status().quorum).toBe(true);
    client = resumed;

    // 3. A backlog of 100 voters (200 ballot-log entries), pushed 16 at a time.
    for (let i = 0; i < 100; i++) station.castBallot();
    const target = station.ledger.size('ballots');
    client.start();
    const acked = (name: string) => client.status().validators.find((v) => v.name === name)?.acked.ballots ?? 0;
    const start = acked('validator-1');
    await waitFor(() => acked('validator-1') > start, {
      what: 'validator-1 mid-ingest',
      timeout: patience,
      state: () => progressOf('validator-1'),
    });
    await processes[0]?.kill();
    proxies[1]?.cutNetwork();
    // Time passes with validator-1 down and validator-2 cut off, to show the backlog does not finish without them.
    // eslint-disable-next-line urna/no-fixed-sleep
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(acked('validator-1')).toBeLessThan(target);
    const restartedUrl = await processes[0]?.start();
    proxies[0]?.retarget(portOf(restartedUrl ?? ''));
    proxies[1]?.restoreNetwork();
    // The real validator-4 comes back with an empty store.
    const v4url = await processes[3]?.start();
    proxies[3]?.retarget(portOf(v4url ?? ''));
    station.closePolls();
    client.nudge();
    await waitFor(
      () =>
        client
          .status()
          .validators.every(
            (v) =>
              v.cosigned.ballots === station.ledger.size('ballots') &&
              v.cosigned.pollbook === station.ledger.size('pollbook'),
          ),
      {
        what: 'every validator cosigned the final checkpoints',
        timeout: patience,
        state: () => client.status().validators,
      },
    );
    const status = client.status();
    expect(status.quorum).toBe(true);
    expect(logger.events.some((e) => e.eventId === 'sync.resumed-at')).toBe(true);

    // 4. Exactly once, in order, with the station's root — read back from each validator's bulletin board.
    for (const process of processes) {
      for (const log of ['ballots', 'pollbook'] as const) {
        if (log === 'pollbook') continue; // poll-book entries are not public; their roots are compared below
        expect(await validatorEntries(process.url, log)).toEqual(
          station.ledger.entryTexts(log, 0, station.ledger.size(log)),
        );
      }
      const logs = (await (await fetch(new URL('/urna/v1/logs', process.url))).json()) as {
        logs: { log: string; size: number; rootHash: string }[];
      };
      for (const l of logs.logs) {
        const log = l.log as LogKind;
        expect(l.size).toBe(station.ledger.size(log));
        expect(l.rootHash).toBe(Buffer.from(station.ledger.rootHash(log)).toString('base64'));
      }
    }

    // The final checkpoint: the station's signature and all four cosignatures verify.
    const final = status.logs.find((l) => l.log === 'ballots')?.finalCheckpoint ?? '';
    const stationVerifier = noteVerifierFromKey(station.station.signer.verifierKey);
    if (!stationVerifier.ok) throw new Error('verifier');
    expect(openCheckpoint(final, [stationVerifier.value]).ok).toBe(true);
    const verified = verifyCosignedCheckpoint(final, election.validators.map(cosignerOf));
    expect(verified.ok && verified.value.length).toBe(4);
    await client.stop();
  }, 600_000);
});
