/**
 * The election package on the station's disk.
 *
 *   <data dir>/authority.vkey   the election authority's verifier key, pinned at
 *                               provisioning; never replaced by a package
 *   <data dir>/election.json    the accepted package, exactly as it was offered
 *
 * A package is accepted only if it verifies under the pinned key and its
 * definition holds; once the polls have opened, only the very same package (same
 * base hash) is accepted again. Every refusal is a typed error and leaves the disk
 * as it was: the accepted package is written to a temporary file, synced, then
 * renamed over the old one.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
  constants as fsConstants,
} from 'node:fs';
import path from 'node:path';
import { toHex, type Bytes } from '../../core/encoding/bytes';
import { electionError, type ElectionError } from '../../core/election/errors';
import {
  formatBaseHashForDisplay,
  readElectionPackage,
  type VerifiedElectionPackage,
} from '../../core/election/package';
import { describeNoteError, noteVerifierFromKey } from '../../core/ledger/note';
import type { EventLogger } from '../../core/logging';
import { silentLogger } from '../../core/logging';
import { err, ok, type Result } from '../../core/result';

export const AUTHORITY_KEY_FILE = 'authority.vkey';
export const ELECTION_PACKAGE_FILE = 'election.json';

export type LoadedElection = VerifiedElectionPackage & {
  /** The base hash as poll workers see it on screen and on printed reports. */
  readonly baseHashForDisplay: string;
};

export type ElectionStoreDeps = {
  readonly dataDir: string;
  /** The polls lifecycle answers this; once true, the loaded package is fixed. */
  readonly pollsHaveOpened: () => boolean;
  readonly logger?: EventLogger;
};

function fileError(file: string, error: unknown): ElectionError {
  return electionError('', 'storage-failed', { file, detail: error instanceof Error ? error.message : String(error) });
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

function readIfExists(file: string): Result<Bytes | undefined, ElectionError[]> {
  try {
    return ok(new Uint8Array(readFileSync(file)));
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return ok(undefined);
    return err([fileError(file, error)]);
  }
}

/** Writes a file so that a crash leaves either the old content or the new, never a mix. */
export function writeFileAtomically(file: string, content: string | Bytes, mode = 0o644): void {
  const directory = path.dirname(file);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const temp = path.join(directory, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, mode);
  try {
    try {
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // The temporary file may already be gone; the original error is what matters.
    }
    throw error;
  }
  const dirFd = openSync(directory, fsConstants.O_RDONLY);
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

// ---------------------------------------------------------------- the pinned key

/**
 * Provisioning: pins the election authority's verifier key. Pinning the same key
 * again is harmless; a different key is refused, because whoever could swap the
 * pinned key could also get any package accepted.
 */
export function pinAuthorityKey(
  dataDir: string,
  verifierKey: string,
  logger: EventLogger = silentLogger,
): Result<void, ElectionError[]> {
  const key = verifierKey.trim();
  const verifier = noteVerifierFromKey(key);
  if (!verifier.ok) return err([electionError('', 'bad-authority-key', { detail: describeNoteError(verifier.error) })]);
  const file = path.join(dataDir, AUTHORITY_KEY_FILE);
  const existing = readPinnedAuthorityKey(dataDir);
  if (existing.ok) {
    if (existing.value === key) return ok();
    logger.log('election.authority-key-pin-refused', { reason: 'already-pinned' });
    return err([electionError('', 'authority-key-already-pinned')]);
  }
  if (existing.error.some((e) => e.code !== 'no-pinned-authority-key')) return existing;
  try {
    writeFileAtomically(file, `${key}\n`);
  } catch (error) {
    return err([fileError(file, error)]);
  }
  logger.log('election.authority-key-pinned', { keyName: verifier.value.name });
  return ok();
}

export function readPinnedAuthorityKey(dataDir: string): Result<string, ElectionError[]> {
  const file = path.join(dataDir, AUTHORITY_KEY_FILE);
  const bytes = readIfExists(file);
  if (!bytes.ok) return bytes;
  if (bytes.value === undefined) return err([electionError('', 'no-pinned-authority-key', { file })]);
  const key = Buffer.from(bytes.value).toString('utf8').trim();
  const verifier = noteVerifierFromKey(key);
  if (!verifier.ok)
    return err([electionError('', 'bad-authority-key', { detail: `${file}: ${describeNoteError(verifier.error)}` })]);
  return ok(key);
}

// ---------------------------------------------------------------- the package

function withDisplay(pkg: VerifiedElectionPackage): LoadedElection {
  return { ...pkg, baseHashForDisplay: formatBaseHashForDisplay(pkg.baseHash) };
}

/** The package currently on disk, verified again under the pinned key; undefined if none. */
export function readLoadedElection(dataDir: string): Result<LoadedElection | undefined, ElectionError[]> {
  const file = path.join(dataDir, ELECTION_PACKAGE_FILE);
  const bytes = readIfExists(file);
  if (!bytes.ok) return bytes;
  if (bytes.value === undefined) return ok(undefined);
  const key = readPinnedAuthorityKey(dataDir);
  if (!key.ok) return key;
  const verified = readElectionPackage(bytes.value, { authorityKey: key.value });
  return verified.ok ? ok(withDisplay(verified.value)) : verified;
}

/**
 * Loads an election package offered on a USB stick or by an official: verifies
 * it, checks it may replace what is loaded, then stores it atomically.
 */
export function loadElectionPackage(
  deps: ElectionStoreDeps,
  packageBytes: Bytes,
): Result<LoadedElection, ElectionError[]> {
  const logger = deps.logger ?? silentLogger;
  const refuse = (errors: ElectionError[]): Result<never, ElectionError[]> => {
    logger.log('election.package-refused', {
      codes: errors.map((e) => e.code),
      paths: errors.slice(0, 20).map((e) => e.path),
    });
    return err(errors);
  };

  const key = readPinnedAuthorityKey(deps.dataDir);
  if (!key.ok) return refuse(key.error);
  const offered = readElectionPackage(packageBytes, { authorityKey: key.value });
  if (!offered.ok) return refuse(offered.error);

  const current = readLoadedElection(deps.dataDir);
  const sameAsLoaded =
    current.ok && current.value !== undefined && toHex(current.value.baseHash) === toHex(offered.value.baseHash);
  if (deps.pollsHaveOpened()) {
    // Once ballots may exist, they are bound to the loaded base hash; swapping the
    // package under them would make them uncountable or, worse, re-interpreted.
    if (!sameAsLoaded) {
      const loaded = current.ok && current.value !== undefined ? current.value.baseHashForDisplay : '—';
      return refuse([
        electionError('', 'polls-open-package-locked', {
          loaded,
          offered: formatBaseHashForDisplay(offered.value.baseHash),
        }),
      ]);
    }
  }
  const loaded = withDisplay(offered.value);
  if (sameAsLoaded) return ok(loaded);

  const file = path.join(deps.dataDir, ELECTION_PACKAGE_FILE);
  try {
    writeFileAtomically(file, packageBytes);
  } catch (error) {
    return refuse([fileError(file, error)]);
  }
  logger.log('election.package-loaded', {
    electionId: loaded.definition.electionId,
    baseHash: loaded.baseHashForDisplay,
  });
  return ok(loaded);
}
