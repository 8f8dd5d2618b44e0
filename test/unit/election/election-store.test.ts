import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeElectionPackage, signElectionPackage } from '../../../core/election/package';
import { sampleElectionDefinition } from '../../../core/election/sample';
import { utf8Encode } from '../../../core/encoding/bytes';
import { SIGNATURE_TYPE_ED25519, formatVerifierKey } from '../../../core/ledger/note';
import {
  AUTHORITY_KEY_FILE,
  ELECTION_PACKAGE_FILE,
  loadElectionPackage,
  pinAuthorityKey,
  readLoadedElection,
} from '../../../main/election/election-store';
import { MemoryEventLogger } from '../../../main/logging';
import { authoritySigner, testSampleKeys } from './sample-keys';

const authority = authoritySigner('sample/authority');
const authorityKey = formatVerifierKey(authority.name, SIGNATURE_TYPE_ED25519, authority.publicKey);

/** A signed sample package; `variant` changes the election so its base hash differs. */
function packageBytes(variant?: { electionId?: string; title?: string }): Uint8Array {
  const made = sampleElectionDefinition(testSampleKeys('sample'));
  if (!made.ok) throw new Error('sample invalid');
  const definition = {
    ...made.value,
    ...(variant?.electionId ? { electionId: variant.electionId } : {}),
    ...(variant?.title ? { title: { ru: variant.title, en: variant.title } } : {}),
  };
  const pkg = signElectionPackage(definition as typeof made.value, authority);
  if (!pkg.ok) throw new Error('cannot sign');
  return utf8Encode(serializeElectionPackage(pkg.value));
}

let dataDir: string;
let pollsOpen: boolean;
let logger: MemoryEventLogger;
const deps = () => ({ dataDir, pollsHaveOpened: () => pollsOpen, logger });

function diskSnapshot(): Record<string, string> {
  return Object.fromEntries(readdirSync(dataDir).map((name) => [name, readFileSync(path.join(dataDir, name), 'utf8')]));
}

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'urna-election-'));
  pollsOpen = false;
  logger = new MemoryEventLogger();
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('loading the election package on a station', () => {
  it('refuses every package until the authority key is pinned', () => {
    const refused = loadElectionPackage(deps(), packageBytes());
    expect(refused.ok ? [] : refused.error.map((e) => e.code)).toEqual(['no-pinned-authority-key']);
    expect(diskSnapshot()).toEqual({});
    expect(logger.events.map((e) => e.eventId)).toEqual(['election.package-refused']);
  });

  it('accepts a package signed by the pinned authority and keeps it across restarts', () => {
    expect(pinAuthorityKey(dataDir, authorityKey).ok).toBe(true);
    const loaded = loadElectionPackage(deps(), packageBytes());
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.value.baseHashForDisplay).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    expect(Object.keys(diskSnapshot()).sort()).toEqual([AUTHORITY_KEY_FILE, ELECTION_PACKAGE_FILE]);
    const reread = readLoadedElection(dataDir);
    expect(reread.ok && reread.value?.baseHashForDisplay).toBe(loaded.value.baseHashForDisplay);
    expect(logger.events.at(-1)?.eventId).toBe('election.package-loaded');
  });

  it('refuses a tampered package and changes nothing on disk', () => {
    expect(pinAuthorityKey(dataDir, authorityKey)).toMatchObject({ ok: true });
    expect(loadElectionPackage(deps(), packageBytes())).toMatchObject({ ok: true });
    const before = diskSnapshot();
    const tampered = new TextDecoder().decode(packageBytes()).replace('"voteFor": 3', '"voteFor": 2');
    const refused = loadElectionPackage(deps(), utf8Encode(tampered));
    expect(refused.ok ? [] : refused.error.map((e) => e.code)).toEqual(['hash-mismatch']);
    expect(diskSnapshot()).toEqual(before);
  });

  it('refuses a package signed by another authority', () => {
    expect(pinAuthorityKey(dataDir, authorityKey)).toMatchObject({ ok: true });
    const other = authoritySigner('other-authority');
    const made = sampleElectionDefinition({
      ...testSampleKeys('sample'),
      authorityVerifierKey: formatVerifierKey(other.name, SIGNATURE_TYPE_ED25519, other.publicKey),
    });
    if (!made.ok) throw new Error('sample invalid');
    const pkg = signElectionPackage(made.value, other);
    if (!pkg.ok) throw new Error('cannot sign');
    const refused = loadElectionPackage(deps(), utf8Encode(serializeElectionPackage(pkg.value)));
    expect(refused.ok ? [] : refused.error.map((e) => e.code)).toEqual(['authority-key-mismatch']);
    expect(Object.keys(diskSnapshot())).toEqual([AUTHORITY_KEY_FILE]);
  });

  it('lets a corrected package replace the loaded one before the polls open', () => {
    expect(pinAuthorityKey(dataDir, authorityKey)).toMatchObject({ ok: true });
    expect(loadElectionPackage(deps(), packageBytes())).toMatchObject({ ok: true });
    const corrected = loadElectionPackage(deps(), packageBytes({ title: 'Corrected title' }));
    expect(corrected.ok && corrected.value.definition.title.en).toBe('Corrected title');
  });

  it('refuses a package for another election once the polls have opened, but accepts the same one again', () => {
    expect(pinAuthorityKey(dataDir, authorityKey)).toMatchObject({ ok: true });
    const first = loadElectionPackage(deps(), packageBytes());
    expect(first.ok).toBe(true);
    pollsOpen = true;
    const before = diskSnapshot();
    const other = loadElectionPackage(deps(), packageBytes({ electionId: 'svetlogorye-2026-12' }));
    expect(other.ok ? [] : other.error.map((e) => e.code)).toEqual(['polls-open-package-locked']);
    if (!other.ok) expect(other.error[0]?.message.ru).toMatch(/голосование открыто/i);
    expect(diskSnapshot()).toEqual(before);
    expect(loadElectionPackage(deps(), packageBytes()).ok).toBe(true);
    expect(diskSnapshot()).toEqual(before);
  });

  it('pins the authority key once: the same key again is fine, a different one is refused', () => {
    expect(pinAuthorityKey(dataDir, `${authorityKey}\n`).ok).toBe(true);
    expect(pinAuthorityKey(dataDir, authorityKey).ok).toBe(true);
    const other = authoritySigner('other-authority');
    const refused = pinAuthorityKey(dataDir, formatVerifierKey(other.name, SIGNATURE_TYPE_ED25519, other.publicKey));
    expect(refused.ok ? [] : refused.error.map((e) => e.code)).toEqual(['authority-key-already-pinned']);
    expect(readFileSync(path.join(dataDir, AUTHORITY_KEY_FILE), 'utf8')).toBe(`${authorityKey}\n`);
    expect(pinAuthorityKey(path.join(dataDir, 'fresh'), 'not a key').ok).toBe(false);
  });
});
