/**
 * The numbered verification steps of docs/SPEC.md §11. Every failure `urna verify`
 * reports carries the number of the step that failed, so an observer (or another
 * verifier written from the specification) can compare outcomes step by step.
 *
 * A record check code belongs to exactly one step, except `record-layout` (a required
 * file missing or not JSON), which belongs to the step that reads that file, and
 * `station-manifest` and `tally-share`, which two steps each report; those are told
 * apart by where the failure is (see {@link stepOfFailure}).
 */
import type { RecordCheck, RecordFailure } from './failure';

/** How far an election has got when an observer meets its record (docs/SPEC.md §11.1). */
export type RecordStage = 'voting' | 'polls-closed' | 'tallied';

export const RECORD_STAGES: readonly RecordStage[] = ['voting', 'polls-closed', 'tallied'];

export type VerifyStepId = `V${number}`;

export type VerifyStep = {
  readonly id: VerifyStepId;
  readonly title: string;
  /** The checks this step reports (record-layout aside). */
  readonly checks: readonly RecordCheck[];
  /** The earliest stage at which the step applies. */
  readonly stage: RecordStage;
};

export const VERIFY_STEPS: readonly VerifyStep[] = [
  { id: 'V1', title: 'election package', checks: ['election-package'], stage: 'voting' },
  { id: 'V2', title: 'key-ceremony record', checks: ['ceremony-record'], stage: 'voting' },
  { id: 'V3', title: 'ceremony binding and joint key', checks: ['ceremony-binding'], stage: 'voting' },
  { id: 'V4', title: 'validator keys', checks: ['validator-key'], stage: 'voting' },
  { id: 'V5', title: 'station manifest', checks: ['station-manifest'], stage: 'voting' },
  {
    id: 'V6',
    title: 'station completeness',
    checks: ['station-not-listed', 'station-missing', 'station-not-operated'],
    stage: 'voting',
  },
  { id: 'V7', title: 'station enrollment', checks: ['enrollment'], stage: 'voting' },
  { id: 'V8', title: 'station key', checks: ['station-key'], stage: 'voting' },
  {
    id: 'V9',
    title: "checkpoints: the station's signature and origin",
    checks: ['checkpoint-signature'],
    stage: 'voting',
  },
  { id: 'V10', title: 'cosignatures', checks: ['cosignature'], stage: 'voting' },
  { id: 'V11', title: 'cosignature threshold', checks: ['cosignature-threshold'], stage: 'voting' },
  {
    id: 'V12',
    title: 'ballot log against its checkpoint (size and Merkle root)',
    checks: ['log-root'],
    stage: 'voting',
  },
  {
    id: 'V13',
    title: 'ballot-log replay: entries, polls lifecycle, ballot lifecycle',
    checks: [
      'entry-schema',
      'polls-transition',
      'ballots-cast-mismatch',
      'polls-not-open',
      'ballot-style',
      'ballot-record',
      'ballot-id-reused',
      'ballot-not-pending',
    ],
    stage: 'voting',
  },
  { id: 'V14', title: 'no selection ciphertext with α the identity', checks: ['identity-ciphertext'], stage: 'voting' },
  { id: 'V15', title: 'confirmation-code chain', checks: ['confirmation-code'], stage: 'voting' },
  { id: 'V16', title: 'challenged ballots', checks: ['challenge'], stage: 'voting' },
  { id: 'V17', title: 'ballot proofs', checks: ['ballot-proof'], stage: 'voting' },
  { id: 'V18', title: 'enrollments agree with the station manifest', checks: [], stage: 'voting' },
  {
    id: 'V19',
    title: 'election-wide uniqueness of ballot ids and ciphertexts',
    checks: ['duplicate-ballot-id', 'duplicate-ciphertext'],
    stage: 'voting',
  },
  { id: 'V20', title: 'polls closed at every station', checks: ['polls-not-closed'], stage: 'polls-closed' },
  { id: 'V21', title: 'encrypted totals', checks: ['encrypted-totals'], stage: 'tallied' },
  {
    id: 'V22',
    title: 'tally shares and partial-decryption proofs',
    checks: ['tally-share', 'partial-decryption-proof'],
    stage: 'tallied',
  },
  {
    id: 'V23',
    title: 'combination: guardians and decryption',
    checks: ['too-few-guardians', 'decryption'],
    stage: 'tallied',
  },
  { id: 'V24', title: 'results.json', checks: ['results'], stage: 'tallied' },
  { id: 'V25', title: 'results.nist.json', checks: ['results-nist'], stage: 'tallied' },
];

const BY_CHECK = new Map<RecordCheck, VerifyStepId>(
  VERIFY_STEPS.flatMap((step) => step.checks.map((check) => [check, step.id] as const)),
);

/** The step that reads a file (for `record-layout` failures). */
function stepOfFile(file: string | undefined): VerifyStepId {
  if (file === undefined) return 'V6';
  if (file === 'election.json') return 'V1';
  if (file === 'guardians/key-ceremony.json') return 'V2';
  if (file.startsWith('guardians/')) return 'V3';
  if (file.startsWith('validators/')) return 'V4';
  if (file === 'station-manifest.json') return 'V5';
  if (file.endsWith('/enrollment.json')) return 'V7';
  if (file.endsWith('/station.vkey')) return 'V8';
  if (file.endsWith('/checkpoint')) return 'V9';
  if (file.endsWith('/entries.jsonl')) return 'V12';
  if (file === 'tally/encrypted-totals.json') return 'V21';
  if (file.startsWith('tally/')) return 'V22';
  if (file === 'results.json') return 'V24';
  if (file === 'results.nist.json') return 'V25';
  return 'V6';
}

/** The step a failure belongs to. */
export function stepOfFailure(failure: RecordFailure): VerifyStepId {
  if (failure.step !== undefined) return failure.step;
  if (failure.check === 'record-layout') return stepOfFile(failure.file);
  // The manifest itself is V5; its disagreement with one station's enrollment (which names the station) is V18.
  if (failure.check === 'station-manifest' && failure.stationId !== undefined) return 'V18';
  return BY_CHECK.get(failure.check) ?? 'V6';
}

export function withStep(failure: RecordFailure): RecordFailure & { readonly step: VerifyStepId } {
  return { ...failure, step: stepOfFailure(failure) };
}

/** The steps that apply at a stage, in order. */
export function stepsAt(stage: RecordStage): readonly VerifyStep[] {
  const reached = RECORD_STAGES.indexOf(stage);
  return VERIFY_STEPS.filter((step) => RECORD_STAGES.indexOf(step.stage) <= reached);
}
