/**
 * A worker thread of the verifier's station pool: it opens the record folder and the
 * election itself (the same trust as the main thread) and verifies the stations it
 * is sent, one at a time, with core/record/verify.ts verifyStation.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PackageTrust } from '../../core/election/package';
import { openRecordElection } from '../../core/record/election';
import { inThreadProofVerifier, verifyStation, type RecordSource } from '../../core/record/verify';
import { err, ok } from '../../core/result';
import { useNodeEd25519 } from '../../storage/ed25519-verifier';
import { nodeMerkleHasher } from '../../storage/merkle-hasher';
import { directoryRecordSource } from './files';
import { toWire, type StationAnswer, type StationJob } from './station-pool';

const port = parentPort;
if (port === null) throw new Error('station-worker runs only as a worker thread');
useNodeEd25519();
const { dir, trust } = workerData as { dir: string; trust: PackageTrust };
const source: RecordSource = directoryRecordSource(dir);
const packageText = source.readText('election.json');
// The main thread checked the package before starting the pool; a failure here is a bug.
const opened = openRecordElection(JSON.parse(packageText ?? 'null') as unknown, trust);
if (!opened.ok) throw new Error(`station-worker: the election package does not verify: ${opened.error.message}`);
const election = opened.value;
const proofs = inThreadProofVerifier();

port.on('message', (job: StationJob) => {
  void verifyStation(source, election, job.stationId, nodeMerkleHasher, proofs).then((result) => {
    const answer: StationAnswer = { id: job.id, result: result.ok ? ok(toWire(result.value)) : err(result.error) };
    port.postMessage(answer);
  });
});
