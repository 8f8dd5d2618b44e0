/**
 * Fuzzing the record files `urna verify` reads. A real record is made once (one
 * station with casts, a challenge and a voided ballot, synced to three validator
 * processes, exported, tallied by three of four guardians). Then thousands of
 * mutated copies — a character flipped, cut or inserted, a line dropped,
 * duplicated or swapped, a JSON value replaced by another of any type, a file
 * emptied, truncated, deleted or blown up — go through the verifier `urna
 * verify` runs (core/record/verify.ts, through an in-memory RecordSource so the
 * disk is not the bottleneck). The verifier must never throw, must name the
 * failed check, and must accept a mutated record only if every file still means
 * exactly what it meant (the same JSON values). A few dozen mutated copies also
 * go through the real `urna verify` process: exit 1, one FAILED line, no stack.
 * URNA_RECORD_FUZZ sets the count; the seed is printed.
 */
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRecordFailure } from '../../../core/record/failure';
import { mapRecordSource, verifyRecord } from '../../../core/record/verify';
import { nodeMerkleHasher } from '../../../storage/merkle-hasher';
import { runElection, runUrna, type RecordRun } from '../record/fixture';
import { readRecordFiles } from '../../support/record-files';

const MUTATIONS = Number(process.env['URNA_RECORD_FUZZ'] ?? 250);
const CLI_RUNS = Number(process.env['URNA_RECORD_FUZZ_CLI'] ?? 4);
/** Resume a long run from mutation N (with the same seed) after fixing what it found. */
const SKIP = Number(process.env['URNA_RECORD_FUZZ_SKIP'] ?? 0);
const SEED = Number(process.env['URNA_RECORD_FUZZ_SEED'] ?? 20_261_121);

let run: RecordRun;
let recordDir: string;
/** The record, file by file (paths relative to the record folder, with "/"). */
let files: Map<string, string>;

const sourceOf = mapRecordSource;

beforeAll(async () => {
  process.stdout.write(
    `record fuzz: ${MUTATIONS} mutated records through the verifier, ${CLI_RUNS} through urna verify, seed ${SEED}\n`,
  );
  run = await runElection('record-fuzz', [
    { id: 'station-1', precinct: 'uik-1201', cast: 3, challenged: 1, voided: 1 },
  ]);
  recordDir = path.join(run.dir, 'record');
  const exported = runUrna([
    'record',
    'export',
    '--out',
    recordDir,
    '--election',
    run.election.packageFile,
    '--guardians',
    run.ceremonyDir,
    '--enrollments',
    path.join(run.dir, 'enrollments'),
    '--station-manifest',
    run.election.stationManifestFile,
    '--from',
    ...run.urls,
  ]);
  expect(exported.status, exported.stderr).toBe(0);
  const shares = run.guardianFiles.slice(0, 3).map((key, i) => {
    const out = path.join(run.dir, `share-${i + 1}.json`);
    const shared = runUrna(['tally', 'share', '--record', recordDir, '--key', key, '--out', out, '--threads', '0']);
    expect(shared.status, shared.stderr).toBe(0);
    return out;
  });
  const combined = runUrna(['tally', 'combine', '--record', recordDir, '--threads', '0', ...shares]);
  expect(combined.status, combined.stderr).toBe(0);
  files = readRecordFiles(recordDir);
}, 240_000);

afterAll(async () => {
  await run?.stop();
  run?.election.cleanup();
});

type Mutation =
  | { kind: 'flip' | 'cut' | 'insert'; file: number; at: number; text: string; length: number }
  | { kind: 'drop-line' | 'duplicate-line' | 'swap-lines'; file: number; line: number; other: number }
  | { kind: 'json-value'; file: number; line: number; leaf: number; value: unknown }
  | { kind: 'empty' | 'delete' | 'huge' | 'truncate'; file: number; at: number };

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('flip' as const, 'cut' as const, 'insert' as const),
    file: fc.nat(),
    at: fc.nat(),
    text: fc.string({ minLength: 1, maxLength: 6 }),
    length: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({
    kind: fc.constantFrom('drop-line' as const, 'duplicate-line' as const, 'swap-lines' as const),
    file: fc.nat(),
    line: fc.nat(),
    other: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('json-value' as const),
    file: fc.nat(),
    line: fc.nat(),
    leaf: fc.nat(),
    value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(0, -1, 2 ** 53, '', 'AAAA', null, [], {}, true)),
  }),
  fc.record({
    kind: fc.constantFrom('empty' as const, 'delete' as const, 'huge' as const, 'truncate' as const),
    file: fc.nat(),
    at: fc.nat(),
  }),
);

/** Replaces one scalar of a JSON value (the `leaf`-th depth first, modulo their number), or the whole value when there is none. */
function replaceLeaf(value: unknown, leaf: number, replacement: unknown): unknown {
  let count = 0;
  const countLeaves = (node: unknown): void => {
    if (node !== null && typeof node === 'object') Object.values(node).forEach(countLeaves);
    else count += 1;
  };
  countLeaves(value);
  if (count === 0) return replacement;
  const target = leaf % count;
  let seen = 0;
  const walk = (node: unknown): unknown => {
    if (node !== null && typeof node === 'object') {
      if (Array.isArray(node)) return node.map(walk);
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    }
    return seen++ === target ? replacement : node;
  };
  return walk(value);
}

function apply(record: ReadonlyMap<string, string>, mutation: Mutation): { record: Map<string, string>; file: string } {
  const names = [...record.keys()].sort();
  const file = names[mutation.file % names.length] as string;
  const text = record.get(file) ?? '';
  const out = new Map(record);
  const at = 'at' in mutation ? mutation.at % Math.max(1, text.length) : 0;
  const lines = text.split('\n');
  // Line edits pick among the lines that hold something (not the empty one after the last newline).
  const filled = lines.flatMap((line, i) => (line.trim() === '' ? [] : [i]));
  const lineAt = (n: number) => filled[n % Math.max(1, filled.length)] ?? 0;
  switch (mutation.kind) {
    case 'flip': {
      const old = text[at] ?? '';
      out.set(
        file,
        `${text.slice(0, at)}${old === mutation.text[0] ? '#' : (mutation.text[0] ?? '#')}${text.slice(at + 1)}`,
      );
      break;
    }
    case 'cut':
      out.set(file, text.slice(0, at) + text.slice(at + mutation.length));
      break;
    case 'insert':
      out.set(file, text.slice(0, at) + mutation.text + text.slice(at));
      break;
    case 'drop-line':
      lines.splice(lineAt(mutation.line), 1);
      out.set(file, lines.join('\n'));
      break;
    case 'duplicate-line':
      lines.splice(lineAt(mutation.line), 0, lines[lineAt(mutation.line)] ?? '');
      out.set(file, lines.join('\n'));
      break;
    case 'swap-lines': {
      const a = lineAt(mutation.line);
      const b = lineAt(mutation.other);
      [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      out.set(file, lines.join('\n'));
      break;
    }
    case 'json-value': {
      const line = lineAt(mutation.line);
      try {
        const whole = file.endsWith('.json');
        const parsed: unknown = JSON.parse(whole ? text : (lines[line] ?? ''));
        const changed = JSON.stringify(replaceLeaf(parsed, mutation.leaf, mutation.value));
        if (whole) out.set(file, changed);
        else {
          lines[line] = changed;
          out.set(file, lines.join('\n'));
        }
      } catch {
        out.set(file, `${text}{`);
      }
      break;
    }
    case 'empty':
      out.set(file, '');
      break;
    case 'delete':
      out.delete(file);
      break;
    case 'huge':
      out.set(file, text + 'A'.repeat(2_000_000));
      break;
    case 'truncate':
      out.set(file, text.slice(0, at));
      break;
  }
  return { record: out, file };
}

/**
 * Whether the verifier may accept a mutated file: it still says the same thing
 * (equal JSON values, or equal lines once blank lines and surrounding space are
 * ignored), or it is a signed note that lost or repeated a signature line while
 * its body stayed the same (the remaining cosignatures may still meet the
 * threshold; the verifier counts each validator once).
 */
function acceptable(file: string, before: string | undefined, after: string | undefined): boolean {
  if (before === after) return true;
  if (before === undefined || after === undefined) return false;
  const lines = (text: string) =>
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
  try {
    return JSON.stringify(JSON.parse(before)) === JSON.stringify(JSON.parse(after));
  } catch {
    // not one JSON document
  }
  try {
    const values = (text: string) => JSON.stringify(lines(text).map((l) => JSON.parse(l) as unknown));
    return values(before) === values(after);
  } catch {
    // not JSON lines
  }
  if (JSON.stringify(lines(before)) === JSON.stringify(lines(after))) return true;
  if (file.endsWith('/checkpoint')) {
    const [body = '', signatures = ''] = before.split('\n\n');
    const [bodyAfter = '', signaturesAfter = ''] = after.split('\n\n');
    const original = new Set(lines(signatures));
    const keyOf = (line: string) => {
      const [, name = '', signature = ''] = line.split(' ');
      let keyId = '';
      try {
        keyId = Buffer.from(signature, 'base64').subarray(0, 4).toString('hex');
      } catch {
        keyId = '';
      }
      return `${name} ${keyId}`;
    };
    const originalKeys = new Set([...original].map(keyOf));
    // Kept as it was, or now naming a key nobody has (a signed note ignores unknown keys).
    return (
      body === bodyAfter && lines(signaturesAfter).every((line) => original.has(line) || !originalKeys.has(keyOf(line)))
    );
  }
  return false;
}

describe('fuzz: record files given to the verifier', () => {
  it('verifies the honest record', async () => {
    const report = await verifyRecord(sourceOf(files), { hasher: nodeMerkleHasher });
    expect(report.failure).toBeUndefined();
    expect([...files.keys()]).toEqual(
      expect.arrayContaining([
        'election.json',
        'stations/station-1/ballots/entries.jsonl',
        'stations/station-1/ballots/checkpoint',
        'results.json',
      ]),
    );
  });

  it(`refuses every one of ${MUTATIONS} mutated records with a named check, never throwing`, async () => {
    const mutations = fc.sample(mutationArbitrary, { numRuns: MUTATIONS, seed: SEED });
    const failedChecks = new Map<string, number>();
    let accepted = 0;
    for (const [i, mutation] of mutations.entries()) {
      if (i < SKIP) continue;
      // Let the vitest worker answer its runner between verifications.
      await new Promise((resolve) => setImmediate(resolve));
      const { record, file } = apply(files, mutation);
      let report: Awaited<ReturnType<typeof verifyRecord>>;
      try {
        report = await verifyRecord(sourceOf(record), { hasher: nodeMerkleHasher });
      } catch (error) {
        throw new Error(
          `mutation ${i} ${JSON.stringify(mutation).slice(0, 200)} of ${file} made the verifier throw: ${(error as Error).stack ?? String(error)}`,
        );
      }
      if (report.failure === undefined) {
        if (!acceptable(file, files.get(file), record.get(file)))
          throw new Error(`mutation ${i} ${JSON.stringify(mutation).slice(0, 200)} of ${file} was accepted`);
        accepted += 1;
        if (process.env['URNA_RECORD_FUZZ_VERBOSE']) process.stdout.write(`accepted: ${mutation.kind} of ${file}\n`);
        continue;
      }
      const described = describeRecordFailure(report.failure);
      expect(described.length).toBeGreaterThan(0);
      expect(described.length).toBeLessThan(2_000);
      const check = described.split(':')[0] ?? described;
      failedChecks.set(check, (failedChecks.get(check) ?? 0) + 1);
    }
    process.stdout.write(
      `record fuzz: ${MUTATIONS - SKIP - accepted} refused, ${accepted} accepted with unchanged meaning (or a cosignature line fewer); ${failedChecks.size} distinct failure descriptions\n`,
    );
    expect(accepted).toBeLessThan(MUTATIONS / 10);
  }, 300_000);

  it(`urna verify exits 1 with one FAILED line on ${CLI_RUNS} mutated copies on disk`, () => {
    const mutations = fc.sample(
      mutationArbitrary.filter((m) => m.kind !== 'huge'),
      { numRuns: CLI_RUNS * 3, seed: SEED + 1 },
    );
    let ran = 0;
    for (const mutation of mutations) {
      if (ran >= CLI_RUNS) break;
      const { record, file } = apply(files, mutation);
      if (acceptable(file, files.get(file), record.get(file))) continue;
      const copy = path.join(run.dir, `mutated-${ran}`);
      cpSync(recordDir, copy, { recursive: true });
      const target = path.join(copy, ...file.split('/'));
      const text = record.get(file);
      if (text === undefined) rmSync(target);
      else writeFileSync(target, text);
      const result = runUrna(['verify', copy, '--threads', '0', '--quiet']);
      expect(result.status, `${JSON.stringify(mutation)} of ${file}: ${result.stderr}`).toBe(1);
      expect(result.stderr).toMatch(/^urna: FAILED: .+/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      rmSync(copy, { recursive: true, force: true });
      ran += 1;
    }
    expect(ran).toBe(CLI_RUNS);
  }, 300_000);
});
