/**
 * A worker thread that verifies ballot proofs for the verifier's pool. It opens the
 * election from the package it is given (the same trust as the main thread) and
 * answers each batch of entries with the earliest failing one, if any.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseEncryptedBallot } from '../../core/ballot';
import { decodeCanonicalJson } from '../../core/ledger/entries';
import type { ProofJob } from '../../core/record/ballot-log';
import { openRecordElection } from '../../core/record/election';
import { inThreadProofVerifier } from '../../core/record/verify';
import type { ProofBatch, ProofBatchAnswer } from './proof-pool';

const port = parentPort;
if (port === null) throw new Error('proof-worker runs only as a worker thread');
const opened = openRecordElection((workerData as { packageJson: unknown }).packageJson);
if (!opened.ok) throw new Error(`proof-worker: the election package does not verify: ${opened.error.message}`);
const election = opened.value;
const verify = inThreadProofVerifier();

port.on('message', (batch: ProofBatch) => {
  void answer(batch).then((reply) => port.postMessage(reply));
});

async function answer(batch: ProofBatch): Promise<ProofBatchAnswer> {
  const jobs: ProofJob[] = [];
  for (const job of batch.jobs) {
    // The main thread decoded and checked these entries already; a failure here is a bug.
    const entry = decodeCanonicalJson(job.entryText);
    const ballot = entry.ok ? parseEncryptedBallot((entry.value as { ballot?: unknown }).ballot) : undefined;
    if (ballot === undefined || !ballot.ok) throw new Error(`invariant failed: entry ${job.index} did not decode in the worker`);
    jobs.push({ index: job.index, ballotStyleId: job.ballotStyleId, ballot: ballot.value, entryText: job.entryText });
  }
  const failure = await verify(election, batch.stationId, jobs);
  return { id: batch.id, failure };
}
