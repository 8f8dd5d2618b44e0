/**
 * `urna simulate` end to end, small: two stations of a dozen voters, three validator
 * processes, a 2-of-3 key ceremony. Once calm, once with faults (kiosks killed
 * around a cast and restarted, empty printer rolls, validators killed or stopped
 * and restarted, station networks cut), both with the same seed:
 *
 *   the decrypted results are what the voters meant, the record verifies, it has
 *   the layout of docs/SPEC.md §5.1, and what the voters meant is the same for the same seed
 *   (faults or not), and different for another seed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareElection } from '../../../cli/simulate/election-setup';
import { intendedResults } from '../../../cli/simulate/run';
import { socatAvailable } from '../../../main/station/demo-devices';
import { simulate as simulateIn, type SimulateRun } from './run-simulate';

let dir: string;

const simulate = (name: string, extra: readonly string[]) => simulateIn(dir, name, extra);

describe.skipIf(!socatAvailable())('urna simulate', () => {
  let calm: SimulateRun;
  let faulty: SimulateRun;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'urna-simulate-test-'));
    calm = await simulate('calm', ['--seed', 'ci-7']);
    faulty = await simulate('faulty', ['--seed', 'ci-7', '--faults']);
  }, 900_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('decrypts exactly what the voters meant, and the record verifies', () => {
    expect(calm.summary.difference).toBeUndefined();
    expect(calm.summary.match).toBe(true);
    expect(calm.summary.verified).toBe(true);
    expect(calm.status).toBe(0);
    expect(calm.summary.intended.ballotsCast).toBe(24);
    expect(calm.summary.decrypted).toEqual(calm.summary.intended);
    expect(Object.keys(calm.summary.intended.stations).sort()).toEqual(['station-01', 'station-02']);
    expect(calm.summary.guardiansDecrypting).toHaveLength(2);
    // Every phase has a wall-clock figure; none is asserted against a time.
    for (const phase of ['setup', 'voting', 'closeAndSync', 'export', 'tallyShares', 'combine', 'verify', 'total'])
      expect(typeof calm.summary.timings[phase]).toBe('number');
  });

  it('writes the election record in the layout of docs/SPEC.md §5.1', () => {
    for (const file of [
      'election.json',
      'guardians/key-ceremony.json',
      'guardians/joint-key',
      'validators/validator-1.vkey',
      'validators/validator-3.vkey',
      'stations/station-01/station.vkey',
      'stations/station-01/enrollment.json',
      'stations/station-01/ballots/entries.jsonl',
      'stations/station-01/ballots/checkpoint',
      'stations/station-02/pollbook/checkpoint',
      'tally/encrypted-totals.json',
      'results.json',
      'results.nist.json',
    ]) {
      expect(existsSync(path.join(calm.out, file)), file).toBe(true);
    }
    // The poll book's entries stay with validators and officials.
    expect(existsSync(path.join(calm.out, 'stations/station-01/pollbook/entries.jsonl'))).toBe(false);
    const entries = readFileSync(path.join(calm.out, 'stations/station-01/ballots/entries.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(entries.filter((e) => e.type === 'ballot-cast')).toHaveLength(12);
  });

  it('with faults, every fault happened, and the results still match and verify', () => {
    const { events } = faulty.summary;
    expect(faulty.summary.difference).toBeUndefined();
    expect(faulty.summary.match).toBe(true);
    expect(faulty.summary.verified).toBe(true);
    expect(faulty.status).toBe(0);
    expect(events.crashes).toBeGreaterThanOrEqual(2);
    expect(events.paperRefills).toBeGreaterThanOrEqual(1);
    expect(events.validatorRestarts).toBeGreaterThanOrEqual(1);
    expect(events.networkCuts).toBeGreaterThanOrEqual(1);
    // Each crash left the voter's ballot cast, confirmed from the paper, or voided and voted again.
    expect(events.pendingConfirmed + events.pendingVoided).toBeLessThanOrEqual(events.crashes);
    expect(events.ballotsCast).toBe(24);
    const voided =
      readFileSync(path.join(faulty.out, 'stations/station-01/ballots/entries.jsonl'), 'utf8') +
      readFileSync(path.join(faulty.out, 'stations/station-02/ballots/entries.jsonl'), 'utf8');
    expect(voided.split('\n').filter((l) => l.includes('"ballot-voided"'))).toHaveLength(events.pendingVoided);
  });

  it('the same seed gives the same intended results, with or without faults', () => {
    expect(faulty.summary.intended).toEqual(calm.summary.intended);
  });
});

describe('what the voters mean', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'urna-simulate-plan-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('depends on the seed alone: the same seed over a fresh election (new keys) gives the same counts; another seed does not', async () => {
    // The election's keys are fresh randomness each time; only the seed drives the voters.
    const shape = { stations: 3, voters: 40, validators: 1, cosign: 1, guardians: 1, threshold: 1 };
    const first = await prepareElection(path.join(work, 'a'), shape);
    const second = await prepareElection(path.join(work, 'b'), shape);
    expect(second.definition.guardians.jointPublicKey).not.toBe(first.definition.guardians.jointPublicKey);
    const a = intendedResults('42', first.stations);
    const b = intendedResults('42', second.stations);
    const c = intendedResults('43', first.stations);
    expect(b.intended).toEqual(a.intended);
    expect(b.plans).toEqual(a.plans);
    expect(c.intended).not.toEqual(a.intended);
    expect(a.intended.ballotsCast).toBe(120);
    // The seeded habits show up: challenges, undervotes and write-ins among 120 voters.
    const voters = [...a.plans.values()].flat();
    expect(voters.some((v) => v.challengeFirst !== null)).toBe(true);
    expect(voters.some((v) => v.undervoted)).toBe(true);
    expect(voters.some((v) => Object.keys(v.marks.writeIns).length > 0)).toBe(true);
  }, 120_000);
});
