/**
 * `urna simulate --validator-store postgres --validator-processes 2` end to end: each
 * of the three validators runs as two processes on its own database of one
 * throwaway PostgreSQL cluster, each station pushing to one of its validator's
 * processes. The decrypted results are what the voters meant, the record verifies,
 * and every station's published checkpoints carry the cosignatures asked for.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socatAvailable } from '../../../main/station/demo-devices';
import { findPostgresBin, POSTGRES_MISSING } from '../../support/postgres';
import { simulate, type SimulateRun } from './run-simulate';

const postgresMissing = findPostgresBin() === undefined;
if (postgresMissing) process.stderr.write(`\n*** ${POSTGRES_MISSING} ***\n\n`);

describe.skipIf(!socatAvailable() || postgresMissing)(
  'urna simulate on PostgreSQL, two processes per validator',
  () => {
    let dir: string;
    let run: SimulateRun;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'urna-simulate-pg-test-'));
      run = await simulate(dir, 'postgres', [
        '--seed',
        'ci-7',
        '--validator-store',
        'postgres',
        '--validator-processes',
        '2',
      ]);
    }, 900_000);

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('decrypts exactly what the voters meant, and the record verifies', () => {
      expect(run.summary.difference).toBeUndefined();
      expect(run.summary.match).toBe(true);
      expect(run.summary.verified).toBe(true);
      expect(run.status).toBe(0);
      expect(run.summary.validatorStore).toBe('postgres');
      expect(run.summary.validatorProcesses).toBe(2);
      expect(run.summary.intended.ballotsCast).toBe(24);
      expect(run.summary.decrypted).toEqual(run.summary.intended);
      expect(typeof run.summary.timings['postgres']).toBe('number');
    });

    it("publishes each station's logs with the two cosignatures the election asks for", () => {
      for (const station of ['station-01', 'station-02']) {
        for (const log of ['ballots', 'pollbook']) {
          const checkpoint = readFileSync(path.join(run.out, 'stations', station, log, 'checkpoint'), 'utf8');
          const cosigners = new Set(
            checkpoint.split('\n').flatMap((line) => /^— (validator-\d+) /.exec(line)?.[1] ?? []),
          );
          expect(cosigners.size, `${station}/${log}`).toBeGreaterThanOrEqual(2);
        }
      }
    });
  },
);
