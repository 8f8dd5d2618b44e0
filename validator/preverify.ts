/**
 * The proof check of a slice of ballot entries, as the validator's proof pool runs
 * it, on a worker thread (verify-worker.ts) or on the service thread beside the
 * workers (verify-pool.ts): each ballot entry's encrypted ballot decoded exactly as
 * the checks would (`parseEncryptedBallot`) and all proofs of the slice checked in
 * one batch per ballot style, bound to the station and that style. The answer per
 * entry: verified (with the coordinates of every α and β, so the checks need no
 * square root for them), a record problem, or the failing proof.
 */
import {
  type BallotFailure,
  type BallotManifest,
  ciphertextCoordinates,
  type ElectionContext,
  type EncryptedBallot,
  parseEncryptedBallot,
  type RandomSource,
  verifyBallots,
} from '../core/ballot';
import type { Preverified } from './verify-pool';

export type PreverifyJob = { readonly index: number; readonly text: string };

/** The ballot style of an entry the pool checks (a ballot-pending or ballot-challenged of a known style), or undefined. */
export function pooledStyleOf(entry: unknown, manifests: ReadonlyMap<string, BallotManifest>): string | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { type, ballotStyleId } = entry as { type?: unknown; ballotStyleId?: unknown };
  if (type !== 'ballot-pending' && type !== 'ballot-challenged') return undefined;
  return typeof ballotStyleId === 'string' && manifests.has(ballotStyleId) ? ballotStyleId : undefined;
}

export function preverifyBallotEntries(
  context: ElectionContext,
  manifests: ReadonlyMap<string, BallotManifest>,
  stationId: string,
  jobs: readonly PreverifyJob[],
  random?: RandomSource,
): [number, Preverified][] {
  const results: [number, Preverified][] = [];
  const byStyle = new Map<string, { index: number; ballot: EncryptedBallot }[]>();
  for (const { index, text } of jobs) {
    let entry: unknown;
    try {
      entry = JSON.parse(text);
    } catch {
      continue;
    }
    const ballotStyleId = pooledStyleOf(entry, manifests);
    if (ballotStyleId === undefined) continue;
    const parsed = parseEncryptedBallot((entry as { ballot?: unknown }).ballot);
    if (!parsed.ok) {
      results.push([index, { kind: 'record-problem', problem: parsed.error }]);
      continue;
    }
    const list = byStyle.get(ballotStyleId);
    if (list === undefined) byStyle.set(ballotStyleId, [{ index, ballot: parsed.value }]);
    else list.push({ index, ballot: parsed.value });
  }
  for (const [styleId, styleJobs] of byStyle) {
    const manifest = manifests.get(styleId) as BallotManifest;
    const outcome = verifyBallots(
      context,
      manifest,
      { stationId, ballotStyleId: styleId },
      styleJobs.map((j) => j.ballot),
      random === undefined ? {} : { random },
    );
    // Failures come back in input order; match them to the jobs in order.
    const failures: BallotFailure[] = outcome.ok ? [] : outcome.error;
    let next = 0;
    for (const job of styleJobs) {
      const failure = failures[next];
      if (failure !== undefined && failure.ballotId === job.ballot.ballotId) {
        results.push([job.index, { kind: 'proof-failure', failure }]);
        next += 1;
      } else {
        results.push([job.index, { kind: 'verified', coordinates: ciphertextCoordinates(job.ballot) }]);
      }
    }
  }
  return results;
}
