/**
 * The loaded election as the ballot cryptography needs it: the election context
 * (extended base hash and joint key) and the first link of a station's
 * confirmation-code chain.
 */
import {
  confirmationSeed,
  createElectionContext,
  GroupElement,
  type ConfirmationCode,
  type ElectionContext,
} from '../../core/ballot';
import { electionExtendedBaseHash } from '../../core/election/package';
import type { StationId } from '../../core/ids';
import type { LoadedElection } from '../election/election-store';

/** Everything the ballot cryptography needs about the loaded election. */
export type ElectionRuntime = {
  readonly loaded: LoadedElection;
  readonly context: ElectionContext;
};

export function electionRuntime(loaded: LoadedElection): ElectionRuntime {
  const jointKey = GroupElement.fromBase64Url(loaded.definition.guardians.jointPublicKey);
  if (!jointKey.ok) throw new Error('invariant failed: a verified election has a malformed joint key');
  return { loaded, context: createElectionContext(electionExtendedBaseHash(loaded.definition), jointKey.value) };
}

/** The first link of this station's confirmation-code chain. */
export function stationSeed(context: ElectionContext, stationId: string): ConfirmationCode {
  return confirmationSeed(context.extendedBaseHash, stationId as StationId);
}

/** The ballot cryptography's view of a loaded election. */
export function electionContextOf(loaded: LoadedElection): ElectionContext {
  return electionRuntime(loaded).context;
}
