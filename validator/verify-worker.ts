/**
 * A worker thread of the validator's proof pool (verify-pool.ts): for each ballot
 * entry it is sent it decodes the encrypted ballot exactly as the service would
 * (`parseEncryptedBallot`) and checks all proofs of a slice in one batch per ballot
 * style (bound to the request's station and that style), answering per entry: verified, a record problem, or the failing proof.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  type BallotFailure,
  ciphertextCoordinates,
  createElectionContext,
  type EncryptedBallot,
  GroupElement,
  parseEncryptedBallot,
  verifyBallots,
} from '../core/ballot';
import { fromBase64Url } from '../core/encoding/bytes';
import type { Preverified, VerifyAnswer, VerifyRequest, VerifyWorkerData } from './verify-pool';

const port = parentPort;
if (port === null) throw new Error('verify-worker runs only as a worker thread');
const data = workerData as VerifyWorkerData;
const jointKey = GroupElement.fromBase64Url(data.jointKey);
if (!jointKey.ok) throw new Error('verify-worker: the joint key does not decode');
const context = createElectionContext(fromBase64Url(data.extendedBaseHash), jointKey.value);
const manifests = new Map(data.manifests);

port.on('message', (request: VerifyRequest) => {
  port.postMessage(answer(request));
});
port.postMessage('ready');

function answer(request: VerifyRequest): VerifyAnswer {
  const results: [number, Preverified][] = [];
  const byStyle = new Map<string, { index: number; ballot: EncryptedBallot }[]>();
  for (const { index, text } of request.jobs) {
    let entry: unknown;
    try {
      entry = JSON.parse(text);
    } catch {
      continue;
    }
    if (typeof entry !== 'object' || entry === null) continue;
    const { type, ballotStyleId, ballot } = entry as { type?: unknown; ballotStyleId?: unknown; ballot?: unknown };
    if (
      (type !== 'ballot-pending' && type !== 'ballot-challenged') ||
      typeof ballotStyleId !== 'string' ||
      !manifests.has(ballotStyleId)
    )
      continue;
    const parsed = parseEncryptedBallot(ballot);
    if (!parsed.ok) {
      results.push([index, { kind: 'record-problem', problem: parsed.error }]);
      continue;
    }
    const list = byStyle.get(ballotStyleId);
    if (list === undefined) byStyle.set(ballotStyleId, [{ index, ballot: parsed.value }]);
    else list.push({ index, ballot: parsed.value });
  }
  for (const [styleId, jobs] of byStyle) {
    const manifest = manifests.get(styleId) as NonNullable<ReturnType<typeof manifests.get>>;
    const outcome = verifyBallots(
      context,
      manifest,
      { stationId: request.stationId, ballotStyleId: styleId },
      jobs.map((j) => j.ballot),
    );
    // Failures come back in input order; match them to the jobs in order.
    const failures: BallotFailure[] = outcome.ok ? [] : outcome.error;
    let next = 0;
    for (const job of jobs) {
      const failure = failures[next];
      if (failure !== undefined && failure.ballotId === job.ballot.ballotId) {
        results.push([job.index, { kind: 'proof-failure', failure }]);
        next += 1;
      } else {
        results.push([job.index, { kind: 'verified', coordinates: ciphertextCoordinates(job.ballot) }]);
      }
    }
  }
  return { id: request.id, results };
}
