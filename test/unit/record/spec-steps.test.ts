/**
 * docs/SPEC.md §11 against the verifier, so the document cannot drift from the code:
 * the numbered steps of §11.3 are, in order, the steps `urna verify` runs
 * (core/record/steps.ts); every check code a step lists is one the verifier reports
 * at that step, and every check code the verifier has is listed; the missing-file
 * table names the step the verifier reports a missing file at; every step has a
 * negative vector whose check the step lists; and the vector table of §12.4 is the
 * content of test/vectors/negative/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordCheck } from '../../../core/record/failure';
import { stepOfFailure, VERIFY_STEPS } from '../../../core/record/steps';
import { negativeVectors } from '../../support/spec-vectors';

/** Every check code of core/record/failure.ts: a new code fails to compile here until it is listed. */
const EVERY_CHECK: Readonly<Record<RecordCheck, true>> = {
  'record-layout': true,
  'election-package': true,
  'ceremony-record': true,
  'ceremony-binding': true,
  'validator-key': true,
  enrollment: true,
  'station-manifest': true,
  'station-missing': true,
  'station-not-listed': true,
  'station-not-operated': true,
  'station-key': true,
  'checkpoint-signature': true,
  cosignature: true,
  'cosignature-threshold': true,
  'log-root': true,
  'entry-schema': true,
  'polls-transition': true,
  'polls-not-open': true,
  'polls-not-closed': true,
  'ballots-cast-mismatch': true,
  'ballot-style': true,
  'ballot-id-reused': true,
  'ballot-not-pending': true,
  'ballot-record': true,
  'identity-ciphertext': true,
  'duplicate-ballot-id': true,
  'duplicate-ciphertext': true,
  'confirmation-code': true,
  'ballot-proof': true,
  challenge: true,
  'encrypted-totals': true,
  'tally-share': true,
  'partial-decryption-proof': true,
  'too-few-guardians': true,
  decryption: true,
  results: true,
  'results-nist': true,
};
const isCheck = (code: string): code is RecordCheck => Object.hasOwn(EVERY_CHECK, code);

const spec = readFileSync(path.resolve('docs/SPEC.md'), 'utf8');

/** The text of a section, from its heading to the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = spec.indexOf(heading);
  if (start < 0) throw new Error(`docs/SPEC.md has no heading "${heading}"`);
  const level = /^#+/.exec(heading)?.[0] ?? '#';
  const next = new RegExp(`^#{1,${level.length}} `, 'gm');
  next.lastIndex = start + heading.length;
  const end = next.exec(spec)?.index ?? spec.length;
  return spec.slice(start, end);
}

type SpecStep = {
  readonly id: string;
  readonly title: string;
  readonly stage: string;
  readonly reports: readonly string[];
};

/** §11.3: each step is a paragraph "**Vn. Title** (stage `s`; …) … Reports: `a`, `b`." */
function specSteps(): SpecStep[] {
  const text = section('### 11.3 The steps');
  const starts = [...text.matchAll(/^\*\*(V\d+)\. ([^*]+)\*\* \(stage\s+`([a-z-]+)`/gm)];
  return starts.map((match, i) => {
    const body = text.slice(match.index, starts[i + 1]?.index ?? text.length);
    const reports = /Reports:((?:\s*`[a-z-]+`,?)+)/.exec(body)?.[1] ?? '';
    return {
      id: match[1] as string,
      title: match[2] as string,
      stage: match[3] as string,
      reports: [...reports.matchAll(/`([a-z-]+)`/g)].map((m) => m[1] as string),
    };
  });
}

/** The step the verifier attributes a failure with this check to, with or without a station named. */
function stepsOfCheck(check: RecordCheck): Set<string> {
  return new Set([
    stepOfFailure({ check, message: '' }),
    stepOfFailure({ check, message: '', stationId: 'station-01' }),
  ]);
}

describe('docs/SPEC.md §11 and the verifier', () => {
  const steps = specSteps();

  it('numbers the steps the verifier runs, in its order, at the same stages', () => {
    expect(steps.map((s) => [s.id, s.stage])).toEqual(VERIFY_STEPS.map((s) => [s.id, s.stage]));
  });

  it.each(VERIFY_STEPS.map((s) => [s.id, s] as const))(
    '%s lists every check the verifier reports at it, and only those',
    (id, step) => {
      const listed = steps.find((s) => s.id === id)?.reports ?? [];
      expect(listed.length, `${id} names no check`).toBeGreaterThan(0);
      for (const code of listed) {
        expect(isCheck(code), `${id} lists ${code}, which is no check of core/record/failure.ts`).toBe(true);
        if (isCheck(code)) expect([...stepsOfCheck(code)], `${code} listed under ${id}`).toContain(id);
      }
      for (const check of step.checks) expect(listed, `${id} does not list ${check}`).toContain(check);
    },
  );

  it('lists every check code of the verifier under some step (record-layout in the missing-file table)', () => {
    const listed = new Set(steps.flatMap((s) => s.reports));
    const unlisted = (Object.keys(EVERY_CHECK) as RecordCheck[]).filter(
      (check) => check !== 'record-layout' && !listed.has(check),
    );
    expect(unlisted).toEqual([]);
    expect(section('## 11. Verification steps')).toContain('`record-layout`');
  });

  it('says at which step each missing file is reported, as the verifier does', () => {
    const table = section('## 11. Verification steps');
    const rows = [...table.matchAll(/^\| `([^`]+)` \| (V\d+) \|$/gm)].map(
      (m) => [m[1] as string, m[2] as string] as const,
    );
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const [file, step] of rows) {
      const concrete = file
        .replace('<name>', 'validator-1')
        .replace('<id>', 'station-01')
        .replace('<log>', 'ballots')
        .replace('<any>', 'guardian-1');
      expect(stepOfFailure({ check: 'record-layout', file: concrete, message: 'missing' }), file).toBe(step);
    }
  });

  it('every step has a negative vector whose check the step lists', () => {
    const vectors = negativeVectors();
    for (const step of steps) {
      const mine = vectors.filter((v) => v.step === step.id);
      expect(mine.length, `no negative vector for ${step.id}`).toBeGreaterThan(0);
      for (const vector of mine) expect(step.reports, `${vector.name} at ${step.id}`).toContain(vector.check);
    }
  });
});

describe('docs/SPEC.md §12.4', () => {
  it('tabulates exactly the negative vectors of test/vectors/negative/, with their steps and checks', () => {
    const rows = [
      ...section('### 12.4 Negative vectors').matchAll(/^\| `([a-z0-9-]+)` \| (V\d+) \| `([a-z-]+)` \|$/gm),
    ].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    const vectors = negativeVectors().map((v) => `${v.name} ${v.step} ${v.check}`);
    expect([...rows].sort()).toEqual([...vectors].sort());
  });
});
