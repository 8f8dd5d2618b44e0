/**
 * The election record as a folder on disk: a RecordSource for the verifier and the
 * few writes the officials' commands make. Paths inside the record use "/".
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RecordSource } from '../../core/record/verify';
import { CliError } from '../urna';

function resolveInside(root: string, relative: string): string {
  const full = path.resolve(root, ...relative.split('/'));
  // A record path never leaves the record folder.
  if (full !== root && !full.startsWith(`${root}${path.sep}`))
    throw new Error(`invariant failed: ${relative} is outside the record`);
  return full;
}

export function directoryRecordSource(dir: string): RecordSource {
  const root = path.resolve(dir);
  return {
    readText(relative) {
      try {
        return readFileSync(resolveInside(root, relative), 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
        throw error;
      }
    },
    list(relative) {
      try {
        return readdirSync(resolveInside(root, relative));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw error;
      }
    },
  };
}

/** Writes a record file, creating its folder; `exclusive` refuses to replace an existing file. */
export function writeRecordFile(
  dir: string,
  relative: string,
  text: string,
  options: { readonly exclusive?: boolean } = {},
): void {
  const file = resolveInside(path.resolve(dir), relative);
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(file, text, { mode: 0o644, flag: options.exclusive === true ? 'wx' : 'w' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new CliError(`${file} already exists; refusing to overwrite it`);
    throw new CliError(`cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function readJsonFile(file: string): unknown {
  return readJsonFileWithText(file).json;
}

/** The file's text and its JSON, for a caller that copies the text as it was signed. */
export function readJsonFileWithText(file: string): { text: string; json: unknown } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return { text, json: JSON.parse(text) as unknown };
  } catch (error) {
    throw new CliError(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
