/**
 * A voter's receipt check against the bulletin board, done by the checker itself
 * rather than taken on the board's word: the code the voter typed (short or
 * full), the ballot's entry in its station's log, the inclusion proof of that
 * entry (and of the entry that cast or voided it) under a checkpoint that the
 * station signed and at least t of the package's validators cosigned.
 *
 * Pure code without Node built-ins: `urna lookup` runs it in a terminal, and the
 * board's web page can run the same module in a browser.
 */
import { base32crockford } from '@scure/base';
import { z } from 'zod';
import { shortConfirmationCode } from '../api/ballot';
import { fromBase64, fromBase64Url, toBase64, toBase64Url, utf8Encode } from '../encoding/bytes';
import { leafHash, verifyInclusion } from '../ledger/merkle';
import type { PackageTrust } from '../election/package';
import { verifyStationEnrollment } from '../election/enrollment';
import { describeElectionErrors } from '../election/errors';
import { describeRecordFailure } from '../record/failure';
import {
  ballotStylesOfPrecinct,
  openRecordElection,
  type RecordElection,
  type RecordStation,
} from '../record/election';
import { verifyCheckpointSignatures } from '../record/verify';
import { err, ok, type Result } from '../result';

/** What the voter typed, read as a code: the full code of the QR (43 characters) or the short one printed large. */
export type LookupCode =
  { readonly kind: 'full'; readonly code: string } | { readonly kind: 'short'; readonly short: string };

const FULL_CODE = /^[A-Za-z0-9_-]{43}$/;
const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{8}$/;

/**
 * Reads a typed or scanned code. The short code is forgiving as Crockford base32
 * is (case, spaces and dashes ignored; O read as 0, I and L as 1); a URL from the
 * receipt's QR code gives its last path segment.
 */
export function parseLookupCode(text: string): Result<LookupCode, string> {
  const trimmed = text.trim();
  const lastSegment = trimmed.includes('/')
    ? (trimmed
        .split('/')
        .filter((s) => s.length > 0)
        .at(-1) ?? '')
    : trimmed;
  if (FULL_CODE.test(lastSegment)) return ok({ kind: 'full', code: lastSegment });
  const short = trimmed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (CROCKFORD.test(short)) return ok({ kind: 'short', short: `${short.slice(0, 4)}-${short.slice(4)}` });
  return err(
    'not a confirmation code: type the 8 characters printed large on the receipt (like CMY3-8N13) or the full 43-character code',
  );
}

/**
 * The first six base64url characters of every full code whose short code is
 * `short`: a board finds the candidates by this prefix (36 of the short code's 40
 * bits) and keeps those whose short code matches.
 */
export function fullCodePrefix(short: string): string {
  const bytes = base32crockford.decode(short.replace('-', ''));
  return toBase64Url(bytes).slice(0, 6);
}

export function matchesShortCode(fullCode: string, short: string): boolean {
  return FULL_CODE.test(fullCode) && shortConfirmationCode(fromBase64Url(fullCode)) === short;
}

/** The package and one station's enrollment, each verified against the election authority's key. */
export type BoardTrust = { readonly election: RecordElection; readonly station: RecordStation };

/**
 * Opens what the board serves as trust (`/urna/v1/election`, the station's
 * `/urna/v1/stations/:id/enrollment`) under `trust`: with an authority key
 * obtained independently, a board cannot substitute its own package.
 */
export function openBoardTrust(
  packageJson: unknown,
  enrollmentJson: unknown,
  trust: PackageTrust,
): Result<BoardTrust, string> {
  const election = openRecordElection(packageJson, trust);
  if (!election.ok) return err(`the election package: ${describeRecordFailure(election.error)}`);
  const definition = election.value.definition;
  const enrollment = verifyStationEnrollment(enrollmentJson, {
    authorityKey: definition.authority.verifierKey,
    definition,
  });
  if (!enrollment.ok) return err(`the station's enrollment: ${describeElectionErrors(enrollment.error, 'en')}`);
  const { stationId, precinctId, stationVerifierKey } = enrollment.value;
  return ok({
    election: election.value,
    station: {
      stationId,
      precinctId,
      verifierKey: stationVerifierKey,
      ballotStyleIds: ballotStylesOfPrecinct(definition, precinctId),
    },
  });
}

const proofSchema = z.array(z.string().max(64)).max(64);

/** The board's answer to `GET /urna/v1/confirmation/:code` (validator/README.md). */
export const confirmationAnswerSchema = z.object({
  stationId: z.string().max(64),
  ballotId: z.string().max(80),
  status: z.enum(['pending', 'cast', 'voided', 'challenged']),
  index: z.int().nonnegative(),
  resolvedIndex: z.int().nonnegative().nullable(),
  entry: z.string().max(1_000_000),
  size: z.int().positive(),
  inclusionProof: proofSchema,
  /** The entry that cast or voided a pending ballot, with its own proof under the same checkpoint. */
  resolution: z
    .object({ entry: z.string().max(10_000), inclusionProof: proofSchema })
    .nullable()
    .optional(),
  checkpoint: z.string().max(100_000),
});
export type ConfirmationAnswer = z.infer<typeof confirmationAnswerSchema>;

/** Where a ballot stands in its station's log, as a board's index of ballots knows it. */
export type BallotPlace = {
  readonly stationId: string;
  readonly ballotId: string;
  readonly status: ConfirmationAnswer['status'];
  readonly index: number;
  readonly resolvedIndex: number | null;
};

/**
 * The answer to `GET /urna/v1/confirmation/:code`, from the ballot's place, its
 * entry text and the resolving entry's, the log's size and signed checkpoint, and
 * a way to make inclusion proofs in that log: a validator builds it from its
 * store, `urna record board` from a record's files.
 */
export function confirmationAnswer(
  place: BallotPlace,
  entries: { readonly entry: string; readonly resolution: string | null },
  log: { readonly size: number; readonly checkpoint: string; proof(index: number): readonly Uint8Array[] },
): ConfirmationAnswer & { readonly leafHash: string } {
  const proof = (index: number) => log.proof(index).map((h) => toBase64(h));
  return {
    stationId: place.stationId,
    ballotId: place.ballotId,
    status: place.status,
    index: place.index,
    resolvedIndex: place.resolvedIndex,
    entry: entries.entry,
    leafHash: toBase64(leafHash(utf8Encode(entries.entry))),
    size: log.size,
    inclusionProof: proof(place.index),
    resolution:
      place.resolvedIndex === null || entries.resolution === null
        ? null
        : { entry: entries.resolution, inclusionProof: proof(place.resolvedIndex) },
    checkpoint: log.checkpoint,
  };
}

/** What one board's answer proved: the ballot's place in a station-signed log that these validators cosigned. */
export type CheckedAnswer = {
  readonly stationId: string;
  readonly ballotId: string;
  readonly status: ConfirmationAnswer['status'];
  readonly fullCode: string;
  /** Validators of the package whose cosignatures on the answer's checkpoint verified. */
  readonly cosigners: readonly string[];
  readonly checkpointSize: number;
  /** The ballot's entry as the log holds it (for a challenged ballot, what the checker recomputes). */
  readonly entry: string;
};

/** What the checker proved from every board it asked, in the words a voter reads. */
export type ConfirmedBallot = {
  readonly stationId: string;
  readonly ballotId: string;
  /** The furthest status any verified answer proved (a board that is behind may still say pending). */
  readonly status: ConfirmationAnswer['status'];
  readonly fullCode: string;
  readonly shortCode: string;
  /** Distinct validators of the package that cosigned a log holding the ballot. */
  readonly cosigners: readonly string[];
  readonly validators: number;
  readonly threshold: number;
  /** At least `threshold` validators confirm it: the record the tally counts holds this ballot. */
  readonly confirmed: boolean;
};

/** Which part of the proof failed: what the page and the CLI say instead of "recorded". */
export type ConfirmationFailure = {
  readonly check: 'answer' | 'entry' | 'checkpoint' | 'inclusion' | 'resolution' | 'disagreement';
  readonly message: string;
};

function fail(check: ConfirmationFailure['check'], message: string): Result<never, ConfirmationFailure> {
  return err({ check, message });
}

function parseEntry(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function decodeProof(proof: readonly string[]): Uint8Array[] | undefined {
  try {
    return proof.map((h) => fromBase64(h));
  } catch {
    return undefined;
  }
}

function included(entry: string, index: number, size: number, proof: readonly string[], root: Uint8Array): boolean {
  const hashes = decodeProof(proof);
  return hashes !== undefined && verifyInclusion(leafHash(utf8Encode(entry)), index, size, hashes, root);
}

/** The resolution a status claims: which entry type must be in the log after the ballot. */
const RESOLVED_BY = { cast: 'ballot-cast', voided: 'ballot-voided' } as const;

/**
 * Checks one board's answer for `code` against the package (`election`) and the
 * station's enrollment (`station`), both verified by the caller against the
 * election authority's key. Nothing in the answer is believed that is not proved.
 */
export function checkAnswer(
  election: RecordElection,
  station: RecordStation,
  code: LookupCode,
  answerJson: unknown,
): Result<CheckedAnswer, ConfirmationFailure> {
  const parsed = confirmationAnswerSchema.safeParse(answerJson);
  if (!parsed.success) return fail('answer', 'the board answered in a form this checker does not know');
  const answer = parsed.data;
  if (answer.stationId !== station.stationId)
    return fail('answer', `the answer is about station ${answer.stationId}, not ${station.stationId}`);

  const entry = parseEntry(answer.entry);
  const fullCode = entry?.['confirmationCode'];
  if (entry === undefined || typeof fullCode !== 'string' || !FULL_CODE.test(fullCode))
    return fail('entry', 'the entry is not a ballot with a confirmation code');
  const expectedType = answer.status === 'challenged' ? 'ballot-challenged' : 'ballot-pending';
  if (entry['type'] !== expectedType)
    return fail('entry', `the board says ${answer.status} but the entry is a ${String(entry['type'])}`);
  const ballot = entry['ballot'];
  const ballotId =
    typeof ballot === 'object' && ballot !== null ? (ballot as Record<string, unknown>)['ballotId'] : undefined;
  if (ballotId !== answer.ballotId) return fail('entry', 'the entry is for another ballot than the answer names');
  const wanted = code.kind === 'full' ? fullCode === code.code : matchesShortCode(fullCode, code.short);
  if (!wanted) return fail('entry', 'the entry carries another confirmation code than the one looked up');

  const checkpoint = verifyCheckpointSignatures(election, station, 'ballots', answer.checkpoint);
  if (!checkpoint.ok) return fail('checkpoint', checkpoint.error.message);
  const { size, rootHash, cosigners } = checkpoint.value;
  if (cosigners.length === 0) return fail('checkpoint', 'no validator of the package cosigned the checkpoint');
  if (answer.size !== size)
    return fail('checkpoint', `the answer's log size ${answer.size} is not the checkpoint's ${size}`);
  if (!included(answer.entry, answer.index, size, answer.inclusionProof, rootHash)) {
    return fail(
      'inclusion',
      `the inclusion proof does not place this ballot at entry ${answer.index} of the signed log`,
    );
  }

  const resolvedType = answer.status === 'cast' || answer.status === 'voided' ? RESOLVED_BY[answer.status] : undefined;
  if (resolvedType !== undefined) {
    const resolution = answer.resolution;
    if (answer.resolvedIndex === null || resolution === undefined || resolution === null) {
      return fail('resolution', `the board says ${answer.status} but gives no entry that records it`);
    }
    const resolving = parseEntry(resolution.entry);
    if (
      resolving?.['type'] !== resolvedType ||
      resolving['ballotId'] !== answer.ballotId ||
      answer.resolvedIndex <= answer.index
    ) {
      return fail(
        'resolution',
        `the entry given as the ${answer.status} record is not a ${resolvedType} of this ballot after it`,
      );
    }
    if (!included(resolution.entry, answer.resolvedIndex, size, resolution.inclusionProof, rootHash)) {
      return fail(
        'inclusion',
        `the inclusion proof does not place the ${resolvedType} at entry ${answer.resolvedIndex} of the signed log`,
      );
    }
  } else if (answer.resolvedIndex !== null) {
    return fail('resolution', `a ${answer.status} ballot has no resolving entry`);
  }
  return ok({
    stationId: answer.stationId,
    ballotId: answer.ballotId,
    status: answer.status,
    fullCode,
    cosigners,
    checkpointSize: size,
    entry: answer.entry,
  });
}

/**
 * Puts the verified answers of several boards together: the same ballot at the
 * same station everywhere, statuses that one log could hold at two sizes (pending,
 * then cast or voided), and the distinct validators that confirm it.
 */
export function combineAnswers(
  election: RecordElection,
  answers: readonly CheckedAnswer[],
): Result<ConfirmedBallot, ConfirmationFailure> {
  const [first] = answers;
  if (first === undefined) return fail('answer', 'no board gave an answer that verifies');
  if (
    answers.some(
      (a) => a.stationId !== first.stationId || a.ballotId !== first.ballotId || a.fullCode !== first.fullCode,
    )
  ) {
    return fail('disagreement', 'the boards name different ballots for this code');
  }
  const statuses = new Set(answers.map((a) => a.status));
  const resolved = [...statuses].filter((s) => s !== 'pending');
  if (resolved.length > 1 || (statuses.has('challenged') && statuses.size > 1)) {
    return fail('disagreement', `the boards disagree about the ballot: ${[...statuses].join(' and ')}`);
  }
  const cosigners = [...new Set(answers.flatMap((a) => a.cosigners))].sort();
  return ok({
    stationId: first.stationId,
    ballotId: first.ballotId,
    status: resolved[0] ?? 'pending',
    fullCode: first.fullCode,
    shortCode: shortConfirmationCode(fromBase64Url(first.fullCode)),
    cosigners,
    validators: election.validators.length,
    threshold: election.validatorThreshold,
    confirmed: cosigners.length >= election.validatorThreshold,
  });
}

const STATUS_WORDS = {
  en: { pending: 'recorded, not yet cast', cast: 'cast', voided: 'voided', challenged: 'challenged (not counted)' },
  ru: {
    pending: 'записан, ещё не опущен',
    cast: 'опущен',
    voided: 'аннулирован',
    challenged: 'проверен (не учитывается)',
  },
} as const;

/** The result in plain words, English or Russian, as the CLI prints it and the page shows it. */
export function describeConfirmation(confirmed: ConfirmedBallot, language: 'en' | 'ru' = 'en'): string {
  const { shortCode, stationId, threshold, validators } = confirmed;
  const k = confirmed.cosigners.length;
  const status = STATUS_WORDS[language][confirmed.status];
  if (language === 'ru') {
    const by = confirmed.confirmed
      ? `Записан и подтверждён независимыми валидаторами: ${k} из ${validators}.`
      : `Подтверждён валидаторами: ${k} из ${validators}; для окончательной записи нужно ${threshold}.`;
    return `Бюллетень ${shortCode}, участок ${stationId}: ${status}. ${by}`;
  }
  const by = confirmed.confirmed
    ? `Recorded and confirmed by ${k} of ${validators} independent validators.`
    : `Confirmed by ${k} of ${validators} validators so far; ${threshold} are needed for the record to be final.`;
  return `Ballot ${shortCode} at station ${stationId}: ${status}. ${by}`;
}
