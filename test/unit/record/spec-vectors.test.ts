/**
 * The vectors of docs/SPEC.md §12 against the code: the reference record
 * (test/vectors/record/) verifies and gives the committed report; every negative
 * vector (test/vectors/negative/, a small change to the reference record) fails at
 * exactly the step and check it names, in the core verifier and in `urna verify`
 * (which prints the step number and writes it to --report); every step of §11 has
 * at least one negative vector; the stage vectors verify at their stage and say
 * what is not there yet. The vectors are written by scripts/make-spec-vectors.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/urna';
import { VERIFY_STEPS } from '../../../core/record/steps';
import { mapRecordSource, verifyRecord, type VerifyReport } from '../../../core/record/verify';
import { SPEC_VERSION } from '../../../core/spec-version';
import { nodeMerkleHasher } from '../../../storage/merkle-hasher';
import {
  committedVector,
  negativeVectors,
  referenceRecordFiles,
  stageVectors,
  VECTORS_DIR,
  withChanges,
  writeRecordFolder,
  type NegativeVector,
  type StageVector,
  type VectorChange,
} from '../../support/spec-vectors';

const EXPECTED_REPORT = path.join(VECTORS_DIR, 'record-report.json');

const reference = referenceRecordFiles();
const negative = negativeVectors();
const stages = stageVectors();

const applied = (changes: readonly VectorChange[]): Map<string, string> => withChanges(reference, changes);

const verifyInMemory = (files: ReadonlyMap<string, string>, requireStage?: 'voting' | 'polls-closed' | 'tallied') =>
  verifyRecord(mapRecordSource(files), {
    hasher: nodeMerkleHasher,
    ...(requireStage === undefined ? {} : { requireStage }),
  });

const work = mkdtempSync(path.join(tmpdir(), 'urna-spec-vectors-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `urna ARGS` in this process: exit code and what it printed. */
async function urna(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const capture = (chunk: string | Uint8Array): boolean => {
    out += String(chunk);
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    return { code: await main(['node', 'urna', ...args]), out };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** `urna verify` in this process on a copy on disk: exit code, what it printed, and its --report. */
async function urnaVerify(
  name: string,
  files: ReadonlyMap<string, string>,
  ...extra: string[]
): Promise<{ code: number; out: string; report: VerifyReport & { record?: string; seconds?: number } }> {
  const dir = path.join(work, name);
  writeRecordFolder(dir, files);
  const reportFile = path.join(work, `${name}.report.json`);
  const { code, out } = await urna('verify', dir, '--threads', '0', '--quiet', '--report', reportFile, ...extra);
  return { code, out, report: JSON.parse(readFileSync(reportFile, 'utf8')) as VerifyReport };
}

describe('the reference record (test/vectors/record/)', () => {
  it('verifies at stage tallied, every step V1–V25, and `urna verify --report` gives the committed report', async () => {
    const { code, out, report } = await urnaVerify('reference', reference);
    expect(code).toBe(0);
    expect(out).toContain(`specification version ${SPEC_VERSION}`);
    expect(out).toContain('stage: tallied');
    expect(report.stepsVerified).toEqual(VERIFY_STEPS.map((s) => s.id));
    const { record: _record, seconds: _seconds, ...stable } = report;
    expect(stable).toEqual(committedVector(EXPECTED_REPORT, stable));
  });
});

describe('the base hash as printed for people (docs/SPEC.md §1.4)', () => {
  it('urna tally combine names the election and its base hash as urna verify prints it', async () => {
    const expected = (JSON.parse(readFileSync(EXPECTED_REPORT, 'utf8')) as VerifyReport).summary?.baseHash as string;
    expect(expected).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    // The reference record before its tally, and the two guardians' shares it was tallied with.
    const untallied = new Map(
      [...reference].filter(([file]) => !file.startsWith('tally/') && !file.startsWith('results')),
    );
    const dir = path.join(work, 'untallied');
    writeRecordFolder(dir, untallied);
    const shares = [...reference.keys()].filter((file) => file.startsWith('tally/shares/')).sort();
    writeRecordFolder(path.join(work, 'shares'), new Map(shares.map((file) => [file, reference.get(file) as string])));
    const { code, out } = await urna(
      'tally',
      'combine',
      '--record',
      dir,
      '--threads',
      '0',
      ...shares.map((file) => path.join(work, 'shares', file)),
    );
    expect(code, out).toBe(0);
    expect(out).toContain(`election svetlogorye-2026-09, base hash ${expected}\n`);
    expect(readFileSync(path.join(dir, 'results.json'), 'utf8')).toBe(reference.get('results.json'));
  });
});

describe('negative vectors (test/vectors/negative/)', () => {
  it('every step of docs/SPEC.md §11 has at least one negative vector', () => {
    const covered = new Set(negative.map((v) => v.step));
    expect(VERIFY_STEPS.map((s) => s.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(negative.map((v) => [v.name, v] as const))(
    '%s fails at its step and check (core verifier)',
    async (_name, vector) => {
      const report = await verifyInMemory(applied(vector.changes));
      expect(report.ok).toBe(false);
      expect({ step: report.failure?.step, check: report.failure?.check }).toEqual({
        step: vector.step,
        check: vector.check,
      });
      if (vector.detail !== undefined) expect(report.failure?.message).toContain(vector.detail);
    },
  );

  // One `urna verify` run per step, on the first vector for it.
  const firstPerStep = VERIFY_STEPS.map((s) => negative.find((v) => v.step === s.id)).filter(
    (v): v is NegativeVector => v !== undefined,
  );
  it.each(firstPerStep.map((v) => [v.step, v.name, v] as const))(
    'urna verify reports %s on %s, in its FAILED line and --report',
    async (_step, name, vector) => {
      const { code, out, report } = await urnaVerify(name, applied(vector.changes));
      expect(code).toBe(1);
      expect(out).toContain(`${vector.step} check ${vector.check} failed`);
      expect(report.failure).toMatchObject({ step: vector.step, check: vector.check });
    },
  );
});

describe('stages (test/vectors/stages/)', () => {
  const byName = (name: string) => stages.find((s) => s.name === name) as StageVector;

  it('during voting: logs and cosignatures verify (V1–V19); polls-closed and the tally are reported as not there yet', async () => {
    const { code, out, report } = await urnaVerify('voting', applied(byName('stage-voting').changes));
    expect(code).toBe(0);
    expect(report.stage).toBe('voting');
    expect(report.stepsVerified.at(-1)).toBe('V19');
    expect(report.notYet?.map((n) => n.step)).toEqual(['V20', 'V21', 'V22', 'V23', 'V24', 'V25']);
    expect(report.summary?.stationsOpen).toEqual(['station-01']);
    expect(out).toContain('not yet: V20 (polls-closed in the ballot logs of station-01)');
    expect(out).toContain('election record verified at stage voting');
  });

  it('after the polls close: V1–V20 verify; the tally is not there yet', async () => {
    const report = await verifyInMemory(applied(byName('stage-polls-closed').changes));
    expect(report).toMatchObject({ ok: true, stage: 'polls-closed' });
    expect(report.stepsVerified.at(-1)).toBe('V20');
    expect(report.notYet?.map((n) => n.step)).toEqual(['V21', 'V22', 'V23', 'V24', 'V25']);
  });

  it('--stage asks for a later stage: an open log fails V20, a missing tally V21', async () => {
    const voting = await urnaVerify(
      'voting-as-closed',
      applied(byName('stage-voting').changes),
      '--stage',
      'polls-closed',
    );
    expect(voting.code).toBe(1);
    expect(voting.out).toContain('V20 check polls-not-closed failed');
    const closed = await verifyInMemory(applied(byName('stage-polls-closed').changes), 'tallied');
    expect(closed.failure).toMatchObject({ step: 'V21', check: 'record-layout', file: 'tally/encrypted-totals.json' });
  });

  it('a record holding any tally file is verified as tallied: the rest must be there', async () => {
    const files = applied(byName('stage-polls-closed').changes);
    files.set('results.json', reference.get('results.json') as string);
    const report = await verifyInMemory(files);
    expect(report.failure).toMatchObject({ step: 'V21', check: 'record-layout' });
  });
});
