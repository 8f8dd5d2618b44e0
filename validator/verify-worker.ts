/**
 * A worker thread of the validator's proof pool (verify-pool.ts): it checks the
 * slices of ballot entries it is sent (preverify.ts) and answers per entry.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createElectionContext, GroupElement } from '../core/ballot';
import { fromBase64Url } from '../core/encoding/bytes';
import { preverifyBallotEntries } from './preverify';
import { WORKER_CLAIM, type VerifyAnswer, type VerifyRequest, type VerifyWorkerData } from './verify-pool';

const port = parentPort;
if (port === null) throw new Error('verify-worker runs only as a worker thread');
const data = workerData as VerifyWorkerData;
const jointKey = GroupElement.fromBase64Url(data.jointKey);
if (!jointKey.ok) throw new Error('verify-worker: the joint key does not decode');
const context = createElectionContext(fromBase64Url(data.extendedBaseHash), jointKey.value);
const manifests = new Map(data.manifests);

port.on('message', (request: VerifyRequest) => {
  // A slice the calling thread has taken for itself is answered at once, empty.
  const mine = Atomics.compareExchange(request.claim.flags, request.claim.slot, 0, WORKER_CLAIM) === 0;
  const answer: VerifyAnswer = {
    id: request.id,
    results: mine ? preverifyBallotEntries(context, manifests, request.stationId, request.jobs) : [],
  };
  port.postMessage(answer);
});
port.postMessage('ready');
