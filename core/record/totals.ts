/**
 * The encrypted totals of a station: for every contest on the station's ballot
 * styles, the product of the cast ballots' ciphertexts per selection. Only these are
 * ever decrypted; a single ballot never is. Precinct and overall results are sums of
 * the decrypted totals of publication units (publication.ts): a station, or stations
 * merged so that no unit below the package's minimum is ever decrypted alone.
 */
import { z } from 'zod';
import {
  addCiphertexts,
  encryptedTallySchema,
  GroupElement,
  Point,
  encryptedTallyToRecord,
  parseEncryptedTally,
  partialDecryptionSchema,
  TallyAccumulator,
  type Ciphertext,
  type EncryptedTally,
} from '../ballot';
import type { ContestId, SelectionId } from '../ids';
import { err, ok, type Result } from '../result';
import type { CastBallot } from './ballot-log';
import type { RecordElection, RecordStation } from './election';

/** Contests of the station's ballot styles, in the order of the definition. */
export function stationContestIds(election: RecordElection, station: RecordStation): ContestId[] {
  const onBallot = new Set<string>();
  for (const styleId of station.ballotStyleIds)
    for (const c of election.manifests.get(styleId)?.contests ?? []) onBallot.add(c.contestId);
  return election.definition.contests.filter((c) => onBallot.has(c.id)).map((c) => c.id);
}

/**
 * Homomorphic totals of the cast ballots of one station. `ballotCount` is the number
 * of cast ballots: no selection can exceed it, which bounds the discrete-log search.
 */
export function stationEncryptedTotals(
  election: RecordElection,
  station: RecordStation,
  cast: readonly CastBallot[],
): EncryptedTally {
  const accumulators = new Map<string, TallyAccumulator>();
  for (const { ballotStyleId, ballot } of cast) {
    let accumulator = accumulators.get(ballotStyleId);
    if (accumulator === undefined) {
      const manifest = election.manifests.get(ballotStyleId);
      if (manifest === undefined)
        throw new Error(`invariant failed: ballot style ${ballotStyleId} was checked by the replay`);
      accumulator = new TallyAccumulator(manifest);
      accumulators.set(ballotStyleId, accumulator);
    }
    // The replay checked styles; proofs check structure. A mismatch here is a bug.
    if (!accumulator.add(ballot).ok)
      throw new Error(`invariant failed: ballot ${ballot.ballotId} does not fit style ${ballotStyleId}`);
  }
  const sums = new Map<string, Ciphertext>();
  for (const accumulator of accumulators.values()) {
    for (const contest of accumulator.result().contests) {
      for (const s of contest.selections) {
        const key = `${contest.contestId}\u0000${s.selectionId}`;
        const earlier = sums.get(key);
        sums.set(key, earlier === undefined ? s.ciphertext : addCiphertexts(earlier, s.ciphertext));
      }
    }
  }
  const contests = stationContestIds(election, station).map((contestId) => {
    const contest = election.definition.contests.find((c) => c.id === contestId);
    if (contest === undefined) throw new Error(`invariant failed: contest ${contestId}`);
    const selectionIds = selectionIdsOf(election, contestId);
    return {
      contestId,
      selections: selectionIds.map((selectionId) => ({
        selectionId,
        ciphertext: sums.get(`${contestId}\u0000${selectionId}`) ?? identityCiphertext(),
      })),
    };
  });
  return { ballotCount: cast.length, contests };
}

function selectionIdsOf(election: RecordElection, contestId: ContestId): SelectionId[] {
  for (const manifest of election.manifests.values()) {
    const contest = manifest.contests.find((c) => c.contestId === contestId);
    if (contest !== undefined) return [...contest.selections];
  }
  throw new Error(`invariant failed: contest ${contestId} is on no ballot style`);
}

/** (0, 0): the encryption of 0 with nonce 0, the total of no ballots. */
function identityCiphertext(): Ciphertext {
  return { alpha: GroupElement.of(Point.ZERO), beta: GroupElement.of(Point.ZERO) };
}

// ---------------------------------------------------------------- files in tally/

export const ENCRYPTED_TOTALS_FILE = 'tally/encrypted-totals.json';
export const SHARES_DIR = 'tally/shares';

const stationIdSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/);

export const encryptedTotalsFileSchema = z.strictObject({
  type: z.literal('encrypted-totals'),
  v: z.literal(1),
  electionId: z.string(),
  stations: z.array(
    z.strictObject({ stationId: stationIdSchema, precinctId: z.string(), tally: encryptedTallySchema }),
  ),
});
export type EncryptedTotalsFile = z.infer<typeof encryptedTotalsFileSchema>;

export type StationTotals = { readonly stationId: string; readonly precinctId: string; readonly tally: EncryptedTally };

export function encryptedTotalsToFile(electionId: string, totals: readonly StationTotals[]): EncryptedTotalsFile {
  return {
    type: 'encrypted-totals',
    v: 1,
    electionId,
    stations: totals.map((t) => ({
      stationId: t.stationId,
      precinctId: t.precinctId,
      tally: encryptedTallyToRecord(t.tally),
    })),
  };
}

/** A publication unit (publication.ts): a station id, "precinct:<id>" or "election". */
const unitIdSchema = z.string().regex(/^(?:[a-z0-9][a-z0-9._-]{0,62}|precinct:[a-z0-9][a-z0-9._-]{0,62}|election)$/);

/**
 * One guardian's partial decryptions of every publication unit's totals (v2: per
 * unit, so a station below the package's minimum is never decrypted alone).
 */
export const tallyShareFileSchema = z.strictObject({
  type: z.literal('tally-share'),
  v: z.literal(2),
  electionId: z.string(),
  guardianId: z.string(),
  index: z.number().int().min(1),
  units: z.array(z.strictObject({ unitId: unitIdSchema, partial: partialDecryptionSchema })),
});
export type TallyShareFile = z.infer<typeof tallyShareFileSchema>;

export function parseTallyShareFile(json: unknown): Result<TallyShareFile, string> {
  const parsed = tallyShareFileSchema.safeParse(json);
  if (!parsed.success) return err(z.prettifyError(parsed.error));
  for (const unit of parsed.data.units) {
    if (unit.partial.guardianId !== parsed.data.guardianId || unit.partial.index !== parsed.data.index) {
      return err(`unit ${unit.unitId}: the partial decryption is by another guardian`);
    }
  }
  return ok(parsed.data);
}

export function parseEncryptedTotalsFile(
  json: unknown,
): Result<{ readonly electionId: string; readonly stations: readonly StationTotals[] }, string> {
  const parsed = encryptedTotalsFileSchema.safeParse(json);
  if (!parsed.success) return err(z.prettifyError(parsed.error));
  const stations: StationTotals[] = [];
  for (const s of parsed.data.stations) {
    const tally = parseEncryptedTally(s.tally);
    if (!tally.ok) return err(`station ${s.stationId}: ${JSON.stringify(tally.error)}`);
    stations.push({ stationId: s.stationId, precinctId: s.precinctId, tally: tally.value });
  }
  return ok({ electionId: parsed.data.electionId, stations });
}
