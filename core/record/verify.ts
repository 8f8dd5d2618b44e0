/**
 * The independent verifier of an election record (docs/SPEC.md §11: steps V1–V25).
 * It reads files through a {@link RecordSource}, so it runs the same on a folder, an
 * archive or memory, and checks, in this order, stopping at the first failure:
 *
 *   1. election.json: schema, the authority's signature, the signed base hash;
 *   2. guardians/: the ceremony record's proofs, its hash and joint key as signed
 *      in the package, guardians/joint-key;
 *   3. validators/<name>.vkey: the keys the package names;
 *   4. per station (in id order): the enrollment, station.vkey, the station's
 *      signature and ≥ t validator cosignatures on both checkpoints, the ballot log's
 *      entries against its checkpoint (size and root), the replay of every rule
 *      (lifecycle, ballot lifecycle, chain of confirmation codes, challenges), and
 *      every ballot's proofs (batched; a failing batch is re-checked one by one);
 *   4b. election-wide uniqueness (core/record/ballot-uniqueness.ts): no ballot id and
 *      no selection ciphertext's α shown twice in the whole record, across stations;
 *   5. tally/encrypted-totals.json equals the products of the cast ballots;
 *   6. every partial decryption proof in tally/shares/, at least k guardians, one per
 *      publication unit (publication.ts: stations below the package's minimum merged);
 *   7. results.json and results.nist.json equal what the verified decryption gives.
 *
 * Stations are independent of each other, so their verification is pluggable (a
 * {@link StationVerifier}): the command line spreads stations over worker threads,
 * each running {@link verifyStation} on its own; the default runs in this thread.
 */
import {
  combineVerifiedPartials,
  describeBallotFailure,
  firstFailingBallot,
  parsePartialDecryption,
  verifyPartialDecryption,
  type BallotFailure,
  type KeyCeremonyRecord,
  type PartialDecryption,
  type PlaintextTally,
  type RandomSource,
} from '../ballot';
import { toBase64, utf8Encode } from '../encoding/bytes';
import { verifyStationEnrollment } from '../election/enrollment';
import { describeElectionErrors } from '../election/errors';
import { formatBaseHashForDisplay, type PackageTrust } from '../election/package';
import type { LogKind, StationId } from '../ids';
import { ID_PATTERN } from '../ids';
import { describeCheckpointError, openCheckpoint, stationOrigin } from '../ledger/checkpoint';
import { describeCosignatureError, verifyCosignedCheckpoint } from '../ledger/cosignature';
import { rootOfEntries, sha256Hasher, type MerkleHasher } from '../ledger/merkle';
import { describeNoteError, noteVerifierFromKey } from '../ledger/note';
import { err, ok, type Result } from '../result';
import { replayBallotLog, type ProofJob } from './ballot-log';
import { ballotKeysOf, firstDuplicate, type BallotKeys } from './ballot-uniqueness';
import {
  ballotStylesOfPrecinct,
  openRecordCeremony,
  openRecordElection,
  type RecordElection,
  type RecordStation,
} from './election';
import type { RecordFailure } from './failure';
import { RECORD_STAGES, stepsAt, VERIFY_STEPS, withStep, type RecordStage, type VerifyStepId } from './steps';
import { checkListedEnrollment, checkRecordStations } from './stations';
import type { StationManifest } from '../election/station-manifest';
import { resultsToNist } from './nist-results';
import { computeResults, firstDifference, type DecryptedUnit, type ElectionResults } from './results';
import { unitsToDecrypt } from './publication';
import {
  ENCRYPTED_TOTALS_FILE,
  encryptedTotalsToFile,
  parseTallyShareFile,
  SHARES_DIR,
  stationEncryptedTotals,
  type StationTotals,
} from './totals';

/** Read access to a record; paths are relative and use "/". */
export type RecordSource = {
  /** The file's text, or undefined when it does not exist. */
  readText(path: string): string | undefined;
  /** Names in a folder (files and folders), or undefined when it does not exist. */
  list(path: string): readonly string[] | undefined;
};

/** A record held in memory: relative path → text (tests, vectors, archives). */
export function mapRecordSource(record: ReadonlyMap<string, string>): RecordSource {
  return {
    readText: (relative) => record.get(relative),
    list: (relative) => {
      const prefix = relative === '' || relative === '.' ? '' : `${relative.replace(/\/$/, '')}/`;
      const names = new Set<string>();
      for (const key of record.keys())
        if (key.startsWith(prefix)) names.add(key.slice(prefix.length).split('/')[0] as string);
      return names.size === 0 ? undefined : [...names];
    },
  };
}

/** Verifies the proofs of a station's ballots; returns the failure of the earliest bad entry, if any. */
export type ProofVerifier = (
  election: RecordElection,
  stationId: string,
  jobs: readonly ProofJob[],
) => Promise<{ readonly index: number; readonly failure: BallotFailure } | undefined>;

export type VerifyProgress = {
  readonly stationId: string;
  readonly stationsDone: number;
  readonly stations: number;
  readonly ballotsVerified: number;
};

/** Verifies one station completely (see {@link verifyStation}), here or elsewhere. */
export type StationVerifier = (
  election: RecordElection,
  stationId: string,
) => Promise<Result<VerifiedStation, RecordFailure>>;

export type VerifyOptions = {
  readonly trust?: PackageTrust;
  readonly proofVerifier?: ProofVerifier;
  readonly stationVerifier?: StationVerifier;
  readonly hasher?: MerkleHasher;
  readonly onProgress?: (progress: VerifyProgress) => void;
  /** Randomness of the batched proof check (defaults to the CSPRNG). */
  readonly random?: RandomSource;
  /**
   * The stage the record must have reached (docs/SPEC.md §11.1). Without it the
   * record is verified at whatever stage it is in; with it, an earlier record fails
   * (an open ballot log as V20 polls-not-closed, a missing tally file as record-layout).
   */
  readonly requireStage?: RecordStage;
};

export type VerifiedStation = {
  readonly station: RecordStation;
  readonly entries: number;
  readonly cast: number;
  readonly castByStyle: ReadonlyMap<string, number>;
  readonly challenged: number;
  readonly voided: number;
  readonly unresolved: number;
  /** The ballot log ends with polls-closed. */
  readonly pollsClosed: boolean;
  readonly pollbookSize: number;
  /** Encrypted ballots (cast, voided, pending or challenged) whose proofs were verified. */
  readonly proofsVerified: number;
  /** The id and selection αs of every encrypted ballot, by entry index: checked for uniqueness across the election. */
  readonly shown: readonly (BallotKeys & { readonly index: number })[];
  readonly cosigners: Readonly<Record<LogKind, readonly string[]>>;
  readonly totals: StationTotals;
};

export type VerifiedLogs = {
  readonly election: RecordElection;
  readonly ceremony: KeyCeremonyRecord;
  readonly stations: readonly VerifiedStation[];
  readonly ballotsVerified: number;
  readonly stationManifest: StationManifest;
  /** Listed stations the authority signed did not operate. */
  readonly notOperated: readonly string[];
};

export type VerifiedTally = {
  readonly guardians: readonly string[];
  readonly decrypted: readonly DecryptedUnit[];
  readonly results: ElectionResults;
};

/** Proofs in this thread, one batch per ballot style, falling back to name the bad ballot. */
export function inThreadProofVerifier(random?: RandomSource): ProofVerifier {
  return (election, stationId, jobs) =>
    Promise.resolve(
      firstFailingBallot(election.context, election.manifests, stationId, jobs, random === undefined ? {} : { random }),
    );
}

function readJson(source: RecordSource, path: string, required = true): Result<unknown, RecordFailure> {
  const text = source.readText(path);
  if (text === undefined)
    return required ? err({ check: 'record-layout', file: path, message: 'missing' }) : ok(undefined);
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    return err({
      check: 'record-layout',
      file: path,
      message: `not JSON: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

/** entries.jsonl: one entry per line, every line ending in "\n". */
export function splitEntryLines(text: string): Result<string[], string> {
  if (text === '') return ok([]);
  if (!text.endsWith('\n')) return err('the last line does not end with a newline');
  return ok(text.slice(0, -1).split('\n'));
}

/**
 * Steps V1–V20 (docs/SPEC.md §11): the trust anchors and every station's logs and
 * ballots. V20 (every log closed) is skipped when `requireStage` is `voting`.
 */
export async function verifyRecordLogs(
  source: RecordSource,
  options: VerifyOptions = {},
): Promise<Result<VerifiedLogs, RecordFailure>> {
  const packageJson = readJson(source, 'election.json');
  if (!packageJson.ok) return packageJson;
  const opened = openRecordElection(packageJson.value, options.trust);
  if (!opened.ok) return opened;
  const election = opened.value;

  const ceremonyJson = readJson(source, 'guardians/key-ceremony.json');
  if (!ceremonyJson.ok) return ceremonyJson;
  const ceremony = openRecordCeremony(election, ceremonyJson.value);
  if (!ceremony.ok) return ceremony;
  const jointKeyText = source.readText('guardians/joint-key');
  if (jointKeyText === undefined)
    return err({ check: 'record-layout', file: 'guardians/joint-key', message: 'missing' });
  if (jointKeyText.trim() !== election.definition.guardians.jointPublicKey) {
    return err({
      check: 'ceremony-binding',
      file: 'guardians/joint-key',
      message: 'the joint key file is not the joint public key of the package',
    });
  }

  for (const validator of election.validators) {
    const file = `validators/${validator.name}.vkey`;
    const text = source.readText(file);
    if (text === undefined) return err({ check: 'record-layout', file, message: 'missing' });
    if (text.trim() !== validator.verifierKey)
      return err({
        check: 'validator-key',
        file,
        message: `not the key the election package names for validator ${validator.name}`,
      });
  }

  // Which stations: the authority's signed manifest, not whatever folders exist (stations.ts).
  const listed = checkRecordStations(source, election);
  if (!listed.ok) return listed;
  const stationIds = listed.value.operating;
  if (stationIds.length === 0)
    return err({ check: 'record-layout', file: 'stations/', message: 'the record holds no station that operated' });
  const hasher = options.hasher ?? sha256Hasher;
  const proofVerifier = options.proofVerifier ?? inThreadProofVerifier(options.random);
  const verifyOne: StationVerifier =
    options.stationVerifier ?? ((e, id) => verifyStation(source, e, id, hasher, proofVerifier));
  let ballotsVerified = 0;
  let stationsDone = 0;
  // All stations start at once (a pool runs as many as it has threads); the results
  // are taken in station order, so "the first failing check" does not depend on timing.
  const pending = stationIds.map((stationId) =>
    verifyOne(election, stationId).then((verified) => {
      if (verified.ok) ballotsVerified += verified.value.proofsVerified;
      stationsDone++;
      options.onProgress?.({ stationId, stationsDone, stations: stationIds.length, ballotsVerified });
      return verified;
    }),
  );
  const stations: VerifiedStation[] = [];
  for (const result of pending) {
    const verified = await result;
    if (!verified.ok) {
      // Let the others finish (or fail) before returning: nothing keeps running behind the caller.
      await Promise.allSettled(pending);
      return verified;
    }
    const unlisted = checkListedEnrollment(listed.value.manifest, verified.value.station);
    if (unlisted !== undefined) {
      await Promise.allSettled(pending);
      return err(unlisted);
    }
    stations.push(verified.value);
  }
  const duplicate = firstDuplicate(stations.map((s) => ({ stationId: s.station.stationId, shown: s.shown })));
  if (duplicate !== undefined) {
    return err({
      check: duplicate.code,
      stationId: duplicate.place.stationId,
      log: 'ballots',
      index: duplicate.place.index,
      message: duplicate.message,
    });
  }
  if (options.requireStage !== 'voting') {
    const open = stations.find((s) => !s.pollsClosed);
    if (open !== undefined) {
      return err({
        check: 'polls-not-closed',
        stationId: open.station.stationId,
        log: 'ballots',
        message: 'the ballot log does not end with polls-closed: the polls are not closed yet',
      });
    }
  }
  return ok({
    election,
    ceremony: ceremony.value,
    stations,
    ballotsVerified,
    stationManifest: listed.value.manifest,
    notOperated: listed.value.notOperated,
  });
}

/**
 * A station's checkpoint as signed: the station's signature under the origin of
 * `log`, and every cosignature by a validator of the package (a bad one fails).
 * Returns the tree and the validators whose cosignatures verified; how many are
 * needed is the caller's rule.
 */
export function verifyCheckpointSignatures(
  election: RecordElection,
  station: RecordStation,
  log: LogKind,
  text: string,
): Result<{ size: number; rootHash: Uint8Array; cosigners: string[] }, RecordFailure> {
  const where = { stationId: station.stationId, log, file: `stations/${station.stationId}/${log}/checkpoint` };
  const verifier = noteVerifierFromKey(station.verifierKey);
  if (!verifier.ok) return err({ check: 'station-key', ...where, message: describeNoteError(verifier.error) });
  const origin = stationOrigin(election.definition.electionId, station.stationId, log);
  const opened = openCheckpoint(text, [verifier.value], origin);
  if (!opened.ok)
    return err({ check: 'checkpoint-signature', ...where, message: describeCheckpointError(opened.error) });
  const cosigned = verifyCosignedCheckpoint(text, election.validators);
  if (!cosigned.ok) {
    const message =
      cosigned.error.kind === 'note-error'
        ? describeNoteError(cosigned.error.error)
        : describeCosignatureError(cosigned.error);
    return err({ check: 'cosignature', ...where, message });
  }
  const cosigners = [...new Set(cosigned.value.map((c) => c.name))].sort();
  return ok({ size: opened.value.checkpoint.size, rootHash: opened.value.checkpoint.rootHash, cosigners });
}

function verifyCheckpoint(
  election: RecordElection,
  station: RecordStation,
  log: LogKind,
  text: string,
): Result<{ size: number; rootHash: Uint8Array; cosigners: string[] }, RecordFailure> {
  const signed = verifyCheckpointSignatures(election, station, log, text);
  if (!signed.ok) return signed;
  const { cosigners } = signed.value;
  if (cosigners.length < election.validatorThreshold) {
    return err({
      check: 'cosignature-threshold',
      stationId: station.stationId,
      log,
      file: `stations/${station.stationId}/${log}/checkpoint`,
      message: `${cosigners.length} validator(s) of the package cosigned (${cosigners.join(', ') || 'none'}); ${election.validatorThreshold} are needed`,
    });
  }
  return signed;
}

/**
 * One station, completely: enrollment, key, both checkpoints (station signature and
 * ≥ t cosignatures), the ballot log against its checkpoint, the replay of every rule,
 * every ballot's proofs, and the encrypted totals of its cast ballots.
 */
export async function verifyStation(
  source: RecordSource,
  election: RecordElection,
  stationId: string,
  hasher: MerkleHasher,
  proofVerifier: ProofVerifier,
): Promise<Result<VerifiedStation, RecordFailure>> {
  const dir = `stations/${stationId}`;
  if (!ID_PATTERN.test(stationId)) return err({ check: 'record-layout', file: dir, message: 'not a station id' });
  const enrollmentJson = readJson(source, `${dir}/enrollment.json`);
  if (!enrollmentJson.ok) return enrollmentJson;
  const enrollment = verifyStationEnrollment(enrollmentJson.value, {
    authorityKey: election.definition.authority.verifierKey,
    definition: election.definition,
  });
  if (!enrollment.ok)
    return err({
      check: 'enrollment',
      stationId,
      file: `${dir}/enrollment.json`,
      message: describeElectionErrors(enrollment.error, 'en'),
    });
  if (enrollment.value.stationId !== stationId) {
    return err({
      check: 'enrollment',
      stationId,
      file: `${dir}/enrollment.json`,
      message: `the enrollment is for station ${enrollment.value.stationId}`,
    });
  }
  const vkey = source.readText(`${dir}/station.vkey`);
  if (vkey === undefined)
    return err({ check: 'record-layout', stationId, file: `${dir}/station.vkey`, message: 'missing' });
  if (vkey.trim() !== enrollment.value.stationVerifierKey) {
    return err({
      check: 'station-key',
      stationId,
      file: `${dir}/station.vkey`,
      message: 'station.vkey is not the key the authority enrolled',
    });
  }
  const station: RecordStation = {
    stationId: stationId as StationId,
    precinctId: enrollment.value.precinctId,
    verifierKey: enrollment.value.stationVerifierKey,
    ballotStyleIds: ballotStylesOfPrecinct(election.definition, enrollment.value.precinctId),
  };

  const checkpoints: Partial<Record<LogKind, { size: number; rootHash: Uint8Array; cosigners: string[] }>> = {};
  for (const log of ['ballots', 'pollbook'] as const) {
    const text = source.readText(`${dir}/${log}/checkpoint`);
    if (text === undefined)
      return err({ check: 'record-layout', stationId, log, file: `${dir}/${log}/checkpoint`, message: 'missing' });
    const checked = verifyCheckpoint(election, station, log, text);
    if (!checked.ok) return checked;
    checkpoints[log] = checked.value;
  }
  const ballotsCheckpoint = checkpoints.ballots as { size: number; rootHash: Uint8Array; cosigners: string[] };
  const pollbookCheckpoint = checkpoints.pollbook as { size: number; rootHash: Uint8Array; cosigners: string[] };

  const entriesFile = `${dir}/ballots/entries.jsonl`;
  const entriesText = source.readText(entriesFile);
  if (entriesText === undefined)
    return err({ check: 'record-layout', stationId, log: 'ballots', file: entriesFile, message: 'missing' });
  const lines = splitEntryLines(entriesText);
  if (!lines.ok)
    return err({ check: 'record-layout', stationId, log: 'ballots', file: entriesFile, message: lines.error });
  const texts = lines.value;

  const rootFailure = checkRoot(election, station, texts, ballotsCheckpoint, hasher);
  if (rootFailure !== undefined) return err(rootFailure);

  // Whether the polls closed is checked for the whole record (V20), after every station's logs.
  const replay = replayBallotLog(election, station, texts, { requireClosed: false });
  if (!replay.ok) return replay;
  const proofFailure = await proofVerifier(election, stationId, replay.value.proofJobs);
  if (proofFailure !== undefined) {
    return err({
      check: 'ballot-proof',
      stationId,
      log: 'ballots',
      index: proofFailure.index,
      message: describeBallotFailure(proofFailure.failure),
    });
  }

  const castByStyle = new Map<string, number>();
  for (const c of replay.value.cast) castByStyle.set(c.ballotStyleId, (castByStyle.get(c.ballotStyleId) ?? 0) + 1);
  return ok({
    station,
    entries: texts.length,
    cast: replay.value.cast.length,
    castByStyle,
    challenged: replay.value.challenged,
    voided: replay.value.voided,
    unresolved: replay.value.unresolved.length,
    pollsClosed: replay.value.pollsClosed,
    pollbookSize: pollbookCheckpoint.size,
    proofsVerified: replay.value.proofJobs.length,
    shown: replay.value.proofJobs.map((job) => ({ index: job.index, ...ballotKeysOf(job.ballot) })),
    cosigners: { ballots: ballotsCheckpoint.cosigners, pollbook: pollbookCheckpoint.cosigners },
    totals: {
      stationId,
      precinctId: station.precinctId,
      tally: stationEncryptedTotals(election, station, replay.value.cast),
    },
  });
}

/**
 * Size and root of the entries against the signed checkpoint. A mismatch cannot say
 * which entry was changed, so the rules are replayed to point at the likely one.
 */
function checkRoot(
  election: RecordElection,
  station: RecordStation,
  texts: readonly string[],
  checkpoint: { size: number; rootHash: Uint8Array },
  hasher: MerkleHasher,
): RecordFailure | undefined {
  const where = {
    stationId: station.stationId,
    log: 'ballots' as const,
    file: `stations/${station.stationId}/ballots/entries.jsonl`,
  };
  const hint = (): string => {
    const replay = replayBallotLog(election, station, texts, { requireClosed: false });
    return replay.ok
      ? ''
      : `; the first rule the entries break: entry ${String(replay.error.index ?? '?')} ${replay.error.check} (${replay.error.message})`;
  };
  if (texts.length !== checkpoint.size) {
    return {
      check: 'log-root',
      ...where,
      message: `entries.jsonl holds ${texts.length} entries, the signed checkpoint ${checkpoint.size}${hint()}`,
    };
  }
  const root = rootOfEntries(
    texts.map((t) => utf8Encode(t)),
    hasher,
  );
  if (toBase64(root) !== toBase64(checkpoint.rootHash)) {
    return {
      check: 'log-root',
      ...where,
      message: `the entries do not hash to the root the station signed (${toBase64(checkpoint.rootHash)})${hint()}`,
    };
  }
  return undefined;
}

/** Step 5: the encrypted totals file against the totals recomputed from the cast ballots. */
export function checkEncryptedTotals(source: RecordSource, logs: VerifiedLogs): Result<void, RecordFailure> {
  const json = readJson(source, ENCRYPTED_TOTALS_FILE);
  if (!json.ok) return json;
  const expected = encryptedTotalsToFile(
    logs.election.definition.electionId,
    logs.stations.map((s) => s.totals),
  );
  const difference = firstDifference(expected, json.value);
  if (difference === undefined) return ok();
  const stationMatch = /^stations\[([^\]]+)\]/.exec(difference);
  return err({
    check: 'encrypted-totals',
    file: ENCRYPTED_TOTALS_FILE,
    ...(stationMatch?.[1] === undefined ? {} : { stationId: stationMatch[1] }),
    message: `not the product of the cast ballots: ${difference}`,
  });
}

export type GuardianShares = {
  readonly guardianId: string;
  readonly index: number;
  readonly file: string;
  readonly byUnit: ReadonlyMap<string, PartialDecryption>;
};

/**
 * Parses one tally-share file and checks every partial decryption proof in it: one
 * per publication unit (publication.ts), none for a station that must not be decrypted alone.
 */
export function checkTallyShare(
  logs: VerifiedLogs,
  file: string,
  json: unknown,
): Result<GuardianShares, RecordFailure> {
  const parsed = parseTallyShareFile(json);
  if (!parsed.ok) return err({ check: 'tally-share', file, message: parsed.error });
  const share = parsed.value;
  const where = { file, guardianId: share.guardianId };
  if (share.electionId !== logs.election.definition.electionId)
    return err({ check: 'tally-share', ...where, message: `the share is for election ${share.electionId}` });
  const byUnit = new Map<string, PartialDecryption>();
  for (const u of share.units) {
    const partial = parsePartialDecryption(u.partial);
    if (!partial.ok)
      return err({ check: 'tally-share', ...where, message: `unit ${u.unitId}: ${JSON.stringify(partial.error)}` });
    if (byUnit.has(u.unitId)) return err({ check: 'tally-share', ...where, message: `unit ${u.unitId} appears twice` });
    byUnit.set(u.unitId, partial.value);
  }
  const units = unitsToDecrypt(logs.election, logs.stations);
  for (const { unit, tally } of units) {
    const stationId = unit.kind === 'station' ? { stationId: unit.unitId } : {};
    const partial = byUnit.get(unit.unitId);
    if (partial === undefined)
      return err({
        check: 'tally-share',
        ...where,
        ...stationId,
        message: `no partial decryption for publication unit ${unit.unitId}`,
      });
    const checked = verifyPartialDecryption(logs.election.context, logs.ceremony, tally, partial);
    if (!checked.ok) {
      const at = [checked.error.contestId, checked.error.selectionId].filter((x) => x !== undefined).join('/');
      return err({
        check: checked.error.check === 'partial-decryption-proof' ? 'partial-decryption-proof' : 'tally-share',
        ...where,
        ...stationId,
        message: `unit ${unit.unitId}: ${checked.error.check}${at ? ` at ${at}` : ''}`,
      });
    }
  }
  if (byUnit.size !== units.length) {
    const extra = [...byUnit.keys()].filter((id) => !units.some((u) => u.unit.unitId === id));
    return err({
      check: 'tally-share',
      ...where,
      message: `the share decrypts units the publication rule does not make: ${extra.join(', ')}`,
    });
  }
  return ok({ guardianId: share.guardianId, index: share.index, file, byUnit });
}

/** Steps 6–7 minus the files: combines verified shares into unit totals and results. */
export function combineShares(
  logs: VerifiedLogs,
  shares: readonly GuardianShares[],
): Result<VerifiedTally, RecordFailure> {
  const distinct = new Map<number, GuardianShares>();
  for (const share of shares) {
    if (distinct.has(share.index))
      return err({
        check: 'tally-share',
        file: share.file,
        guardianId: share.guardianId,
        message: 'a second share by the same guardian',
      });
    distinct.set(share.index, share);
  }
  const threshold = logs.ceremony.threshold;
  if (distinct.size < threshold) {
    return err({
      check: 'too-few-guardians',
      message: `${distinct.size} guardian share(s) given; any ${threshold} of the ${logs.ceremony.guardians.length} guardians are needed`,
    });
  }
  const ordered = [...distinct.values()].sort((a, b) => a.index - b.index);
  const decrypted: DecryptedUnit[] = [];
  for (const { unit, tally, castByStyle } of unitsToDecrypt(logs.election, logs.stations)) {
    const partials = ordered.map((g) => g.byUnit.get(unit.unitId) as PartialDecryption);
    // Each share file's proofs were checked once, by checkTallyShare, against these same unit totals.
    const totals: Result<PlaintextTally, unknown> = combineVerifiedPartials(logs.ceremony, tally, partials);
    if (!totals.ok)
      return err({
        check: 'decryption',
        ...(unit.kind === 'station' ? { stationId: unit.unitId } : {}),
        message: `the totals of unit ${unit.unitId} do not decrypt: ${JSON.stringify(totals.error)}`,
      });
    decrypted.push({ unit, castByStyle, totals: totals.value });
  }
  const guardians = ordered.map((g) => g.guardianId);
  const stationCounts = logs.stations.map((s) => ({
    stationId: s.station.stationId,
    precinctId: s.station.precinctId,
    ballotsCast: s.cast,
  }));
  return ok({ guardians, decrypted, results: computeResults(logs.election, guardians, decrypted, stationCounts) });
}

/** Steps 6–7 on the files of the record. */
export function verifyRecordTally(source: RecordSource, logs: VerifiedLogs): Result<VerifiedTally, RecordFailure> {
  const totals = checkEncryptedTotals(source, logs);
  if (!totals.ok) return totals;
  const files = [...(source.list(SHARES_DIR) ?? [])].filter((f) => f.endsWith('.json')).sort();
  const shares: GuardianShares[] = [];
  for (const name of files) {
    const file = `${SHARES_DIR}/${name}`;
    const json = readJson(source, file);
    if (!json.ok) return json;
    const share = checkTallyShare(logs, file, json.value);
    if (!share.ok) return share;
    shares.push(share.value);
  }
  const combined = combineShares(logs, shares);
  if (!combined.ok) return combined;

  const resultsJson = readJson(source, 'results.json');
  if (!resultsJson.ok) return resultsJson;
  const difference = firstDifference(combined.value.results, resultsJson.value);
  if (difference !== undefined)
    return err({
      check: 'results',
      file: 'results.json',
      message: `results.json differs from the verified decryption at ${difference}`,
    });

  const nistJson = readJson(source, 'results.nist.json');
  if (!nistJson.ok) return nistJson;
  const header = nistJson.value as { GeneratedDate?: unknown; Status?: unknown; VendorApplicationId?: unknown } | null;
  const status = header?.Status === 'certified' ? 'certified' : 'unofficial-complete';
  const expectedNist = resultsToNist(logs.election.definition, combined.value.results, {
    generatedDate: typeof header?.GeneratedDate === 'string' ? header.GeneratedDate : '',
    status,
    vendorApplicationId: typeof header?.VendorApplicationId === 'string' ? header.VendorApplicationId : '',
  });
  const nistDifference = firstDifference(expectedNist, nistJson.value);
  if (nistDifference !== undefined)
    return err({
      check: 'results-nist',
      file: 'results.nist.json',
      message: `differs from results.json at ${nistDifference}`,
    });
  return combined;
}

export type RecordSummary = {
  readonly electionId: string;
  /** For people (formatBaseHashForDisplay, core/election/package.ts). */
  readonly baseHash: string;
  /** The docs/SPEC.md version the package states, and the one this verifier checked it against. */
  readonly specVersion: string;
  readonly stations: number;
  /** Version of the authority's station manifest the record was checked against. */
  readonly stationManifestVersion: number;
  /** Listed stations the authority signed did not operate. */
  readonly stationsNotOperated: readonly string[];
  /** Operating stations whose ballot log does not end with polls-closed (stage `voting`). */
  readonly stationsOpen: readonly string[];
  readonly entries: number;
  readonly ballotsCast: number;
  readonly challenged: number;
  readonly voided: number;
  readonly unresolved: number;
  readonly proofsVerified: number;
  readonly validatorThreshold: number;
  readonly guardians: readonly string[];
  readonly guardianThreshold: number;
};

export type VerifyReport = {
  readonly ok: boolean;
  /** How far the election had got, as the record shows (docs/SPEC.md §11.1); present when V1–V19 held. */
  readonly stage?: RecordStage;
  /** The steps that were run and held, in order. */
  readonly stepsVerified: readonly VerifyStepId[];
  /** Steps not run because the record is at an earlier stage, with what is not there yet. */
  readonly notYet?: readonly { readonly step: VerifyStepId; readonly missing: string }[];
  readonly failure?: RecordFailure & { readonly step: VerifyStepId };
  /** Present when every log verified. */
  readonly summary?: RecordSummary;
  readonly stations?: readonly {
    readonly stationId: string;
    readonly precinctId: string;
    readonly entries: number;
    readonly ballotsCast: number;
    readonly challenged: number;
    readonly voided: number;
    readonly unresolved: number;
    readonly pollsClosed: boolean;
    readonly pollbookEntries: number;
    readonly cosigners: Readonly<Record<LogKind, readonly string[]>>;
  }[];
};

/** The files of the tally stage; a record holding any of them is verified as tallied. */
function holdsTally(source: RecordSource): boolean {
  return (
    source.readText(ENCRYPTED_TOTALS_FILE) !== undefined ||
    (source.list(SHARES_DIR) ?? []).length > 0 ||
    source.readText('results.json') !== undefined ||
    source.readText('results.nist.json') !== undefined
  );
}

/** The steps before the failed one (which ran and held). */
function stepsBefore(step: VerifyStepId): VerifyStepId[] {
  const at = VERIFY_STEPS.findIndex((s) => s.id === step);
  return VERIFY_STEPS.slice(0, Math.max(0, at)).map((s) => s.id);
}

/** What a stage lacks, step by step, for the report. */
function notYetAt(stage: RecordStage, open: readonly string[]): { step: VerifyStepId; missing: string }[] {
  const missing: Partial<Record<VerifyStepId, string>> = {
    V20: `polls-closed in the ballot logs of ${open.join(', ')}`,
    V21: `${ENCRYPTED_TOTALS_FILE}`,
    V22: `${SHARES_DIR}/*.json`,
    V23: 'the decrypted totals (from the tally shares)',
    V24: 'results.json',
    V25: 'results.nist.json',
  };
  const applied = new Set(stepsAt(stage).map((s) => s.id));
  return VERIFY_STEPS.filter((s) => !applied.has(s.id)).map((s) => ({ step: s.id, missing: missing[s.id] ?? s.title }));
}

/**
 * Everything the record holds at its stage (docs/SPEC.md §11.1): during voting the
 * logs and cosignatures (V1–V19); after the polls close also V20; after the tally
 * the tally and results (V21–V25). A record holding any tally file must be complete.
 */
export async function verifyRecord(source: RecordSource, options: VerifyOptions = {}): Promise<VerifyReport> {
  const logs = await verifyRecordLogs(source, { ...options, requireStage: 'voting' });
  if (!logs.ok) {
    const failure = withStep(logs.error);
    return { ok: false, failure, stepsVerified: stepsBefore(failure.step) };
  }
  const { election, stations, ballotsVerified } = logs.value;
  const open = stations.filter((s) => !s.pollsClosed).map((s) => s.station.stationId);
  const required = RECORD_STAGES.indexOf(options.requireStage ?? 'voting');
  const tallied = holdsTally(source) || required >= RECORD_STAGES.indexOf('tallied');
  const closedRequired = tallied || required >= RECORD_STAGES.indexOf('polls-closed');
  const stage: RecordStage = tallied ? 'tallied' : open.length === 0 ? 'polls-closed' : 'voting';
  let failure: (RecordFailure & { step: VerifyStepId }) | undefined;
  let guardians: readonly string[] = [];
  if (closedRequired && open.length > 0) {
    failure = withStep({
      check: 'polls-not-closed',
      stationId: open[0],
      log: 'ballots',
      message: 'the ballot log does not end with polls-closed: the polls are not closed yet',
    });
  } else if (tallied) {
    const tally = verifyRecordTally(source, logs.value);
    if (tally.ok) guardians = tally.value.guardians;
    else failure = withStep(tally.error);
  }
  const summary: RecordSummary = {
    electionId: election.definition.electionId,
    baseHash: formatBaseHashForDisplay(election.baseHash),
    specVersion: election.definition.specVersion,
    stations: stations.length,
    stationManifestVersion: logs.value.stationManifest.manifestVersion,
    stationsNotOperated: logs.value.notOperated,
    stationsOpen: open,
    entries: stations.reduce((n, s) => n + s.entries, 0),
    ballotsCast: stations.reduce((n, s) => n + s.cast, 0),
    challenged: stations.reduce((n, s) => n + s.challenged, 0),
    voided: stations.reduce((n, s) => n + s.voided, 0),
    unresolved: stations.reduce((n, s) => n + s.unresolved, 0),
    proofsVerified: ballotsVerified,
    validatorThreshold: election.validatorThreshold,
    guardians,
    guardianThreshold: logs.value.ceremony.threshold,
  };
  const stationRows = stations.map((s) => ({
    stationId: s.station.stationId,
    precinctId: s.station.precinctId,
    entries: s.entries,
    ballotsCast: s.cast,
    challenged: s.challenged,
    voided: s.voided,
    unresolved: s.unresolved,
    pollsClosed: s.pollsClosed,
    pollbookEntries: s.pollbookSize,
    cosigners: s.cosigners,
  }));
  if (failure !== undefined)
    return { ok: false, stage, failure, stepsVerified: stepsBefore(failure.step), summary, stations: stationRows };
  return {
    ok: true,
    stage,
    stepsVerified: stepsAt(stage).map((s) => s.id),
    notYet: notYetAt(stage, open),
    summary,
    stations: stationRows,
  };
}
