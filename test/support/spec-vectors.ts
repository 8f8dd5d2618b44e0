/**
 * The vectors of docs/SPEC.md §12 as the tests read them: the reference record
 * (test/vectors/record/), the negative and stage vectors (each a list of changes to
 * it), and a record with a vector's changes applied, in memory or written to a folder.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readRecordFiles } from './record-files';

export const VECTORS_DIR = path.resolve('test/vectors');
export const REFERENCE_RECORD_DIR = path.join(VECTORS_DIR, 'record');

/** A file replaced or added (`content`) or removed (`delete`). */
export type VectorChange = { readonly path: string; readonly content?: string; readonly delete?: true };

/** A record a verifier must reject at `step` with `check` (docs/SPEC.md §12.4). */
export type NegativeVector = {
  readonly name: string;
  readonly description: string;
  readonly step: string;
  readonly check: string;
  readonly detail?: string;
  readonly changes: readonly VectorChange[];
};

/** A record at an earlier stage than tallied (docs/SPEC.md §12.5). */
export type StageVector = {
  readonly name: string;
  readonly description: string;
  readonly stage: string;
  readonly changes: readonly VectorChange[];
};

/** The reference record, file by file. */
export function referenceRecordFiles(): Map<string, string> {
  return readRecordFiles(REFERENCE_RECORD_DIR);
}

function loadVectors<T>(sub: 'negative' | 'stages'): T[] {
  const dir = path.join(VECTORS_DIR, sub);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as T);
}

export const negativeVectors = (): NegativeVector[] => loadVectors<NegativeVector>('negative');
export const stageVectors = (): StageVector[] => loadVectors<StageVector>('stages');

/** The reference record with a vector's changes applied. */
export function withChanges(
  reference: ReadonlyMap<string, string>,
  changes: readonly VectorChange[],
): Map<string, string> {
  const files = new Map(reference);
  for (const change of changes) {
    if (change.delete === true) files.delete(change.path);
    else if (change.content !== undefined) files.set(change.path, change.content);
    else throw new Error(`vector change of ${change.path} has neither content nor delete`);
  }
  return files;
}

/** Writes a record held in memory to a new folder. */
export function writeRecordFolder(dir: string, files: ReadonlyMap<string, string>): void {
  for (const [file, text] of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

/**
 * A committed vector file against the value the test computed: URNA_UPDATE_VECTORS=1
 * rewrites the file (when a format changes on purpose); otherwise the file as committed.
 */
export function committedVector(file: string, computed: unknown): unknown {
  if (process.env.URNA_UPDATE_VECTORS === '1') writeFileSync(file, `${JSON.stringify(computed, null, 2)}\n`);
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}
