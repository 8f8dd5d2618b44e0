/**
 * The key ceremony as guardians hold it on their own machines (`urna guardian …`).
 *
 *   five guardians, threshold three, five processes a step, five state folders and
 *   one shared medium → `urna keys ceremony-record` → a real election on that key
 *   → `urna verify` accepts the record → any three guardians' shares decrypt the same
 *   totals; every process's file accesses are recorded, and none touched another
 *   guardian's folder.
 *
 * And the attack this replaces: one operator holding every guardian's share file and
 * passphrase rebuilds the election secret. On the non-demo path no folder ever holds
 * two guardians' secrets and no command reads two passphrases.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGuardianSecretFile } from '../../../cli/guardian-files';
import {
  GENERATOR,
  lagrangeCoefficient,
  mod,
  multiplyPublic,
  parseKeyCeremony,
  type GuardianKeyShare,
} from '../../../core/ballot';
import type { ElectionResults } from '../../../core/record/results';
import { CeremonyRoom, urnaAsync } from '../../support/guardian-machines';
import { ceremonyBaseHashOf, DEFAULT_STATIONS, runElection, type RecordRun } from '../record/fixture';

const LABEL = 'guardian-machines';
let work: string;
let room: CeremonyRoom;
let run: RecordRun;
let record: string;

/**
 * The attack: every guardian secret file in `folder` (and below) that one of
 * `passphrases` opens; with k of them, Lagrange interpolation at 0 gives the election
 * secret. Returns the shares it could open and whether it rebuilt the joint key's secret.
 */
function rebuildElectionSecret(
  folder: string,
  passphrases: readonly string[],
  jointKeyBytes: Uint8Array,
  threshold: number,
): { opened: number; rebuilt: boolean } {
  const files = (readdirSync(folder, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.secret.json'))
    .map((f) => path.join(folder, f));
  const shares: GuardianKeyShare[] = [];
  for (const file of files) {
    for (const passphrase of passphrases) {
      try {
        shares.push(readGuardianSecretFile(file, { passphrase }));
        break;
      } catch {
        // not this passphrase, or not a key share (a ceremony state): the attacker moves on
      }
    }
  }
  const unique = [...new Map(shares.map((s) => [s.index, s])).values()];
  if (unique.length < threshold) return { opened: unique.length, rebuilt: false };
  const chosen = unique.slice(0, threshold);
  const indices = chosen.map((s) => s.index);
  let secret = 0n;
  for (const s of chosen) secret = mod(secret + lagrangeCoefficient(s.index, indices) * s.secret);
  const rebuilt = Buffer.from(multiplyPublic(GENERATOR, secret).toBytes()).equals(Buffer.from(jointKeyBytes));
  return { opened: unique.length, rebuilt };
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'urna-guardian-machines-'));
  const baseHash = ceremonyBaseHashOf(LABEL, DEFAULT_STATIONS, 5, 3);
  room = new CeremonyRoom(path.join(work, 'room'), 5, 3, baseHash, true);
  await room.holdCeremony();
  const recordFile = path.join(work, 'key-ceremony.json');
  const assembled = await urnaAsync([
    'keys',
    'ceremony-record',
    '--messages',
    room.media,
    '--out',
    recordFile,
    '--base-hash',
    Buffer.from(baseHash).toString('base64url'),
  ]);
  expect(assembled.stderr).toBe('');
  expect(assembled.status).toBe(0);
  const ceremonyText = readFileSync(recordFile, 'utf8');

  run = await runElection(LABEL, DEFAULT_STATIONS, {
    count: 5,
    threshold: 3,
    hold(bound) {
      expect(Buffer.from(bound).equals(Buffer.from(baseHash))).toBe(true);
      return { ceremonyText, guardianFiles: [] };
    },
  });
  record = path.join(work, 'record');
  const exported = await urnaAsync([
    'record',
    'export',
    '--out',
    record,
    '--election',
    run.election.packageFile,
    '--guardians',
    recordFile,
    '--enrollments',
    path.join(run.dir, 'enrollments'),
    '--station-manifest',
    run.election.stationManifestFile,
    '--from',
    ...run.urls,
  ]);
  expect(exported.status).toBe(0);
}, 600_000);

afterAll(async () => {
  await run?.stop();
  run?.election.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function tallyWith(indices: readonly number[]): Promise<ElectionResults> {
  const copy = path.join(work, `tally-${indices.join('')}`);
  cpSync(record, copy, { recursive: true });
  const shares: string[] = [];
  for (const i of indices) {
    const machine = room.machines[i - 1];
    if (machine === undefined) throw new Error('machine');
    const out = path.join(machine.stateDir, '..', `share-${indices.join('')}.json`);
    const shared = await room.run(
      machine,
      ['tally', 'share', '--record', copy, '--state', machine.stateDir, '--out', out, '--threads', '0'],
      `tally-${indices.join('')}`,
    );
    expect(shared.stderr).not.toMatch(/urna: |Error/);
    expect(shared.status).toBe(0);
    shares.push(out);
  }
  const combined = await urnaAsync(['tally', 'combine', '--record', copy, '--threads', '0', ...shares]);
  expect(combined.status).toBe(0);
  const verified = await urnaAsync(['verify', copy, '--threads', '0', '--quiet']);
  expect(verified.stdout + verified.stderr).toContain('election record verified');
  expect(verified.status).toBe(0);
  return JSON.parse(readFileSync(path.join(copy, 'results.json'), 'utf8')) as ElectionResults;
}

describe('a ceremony of five guardians on five machines, threshold three', () => {
  it('gives a record urna verify accepts, and any three guardians decrypt the same totals, which are the ballots cast', async () => {
    const first = await tallyWith([1, 3, 5]);
    const second = await tallyWith([2, 3, 4]);
    expect(second.stations).toEqual(first.stations);
    expect(second.overall).toEqual(first.overall);
    for (const station of first.stations) {
      const expected = run.expected.get(station.stationId);
      for (const contest of station.contests) {
        for (const selection of contest.selections)
          expect(selection.count).toBe(expected?.get(contest.contestId)?.get(selection.selectionId));
      }
    }
    const ceremony = parseKeyCeremony(
      JSON.parse(readFileSync(path.join(record, 'guardians/key-ceremony.json'), 'utf8')),
    );
    if (!ceremony.ok) throw new Error('ceremony record');
    expect(ceremony.value.acceptances.map((a) => a.guardianId)).toEqual([
      'guardian-1',
      'guardian-2',
      'guardian-3',
      'guardian-4',
      'guardian-5',
    ]);
  }, 300_000);

  it('no guardian process touched another guardian folder; each state folder is 0700 and ends holding only its own encrypted key share', () => {
    for (const machine of room.machines) {
      const touched = [...room.touchedBy(machine)];
      // It did work in its own folder and on the medium.
      expect(touched.some((p) => p.startsWith(machine.stateDir))).toBe(true);
      expect(touched.some((p) => p.startsWith(room.media))).toBe(true);
      const allowed = (p: string) =>
        p.startsWith(path.dirname(machine.stateDir)) ||
        p.startsWith(room.media) ||
        p.startsWith(room.auditDir) ||
        p === room.root;
      expect(touched.filter((p) => !allowed(p))).toEqual([]);
      expect(statSync(machine.stateDir).mode & 0o777).toBe(0o700);
      expect(readdirSync(machine.stateDir)).toEqual(['guardian-key.secret.json']);
      expect(statSync(path.join(machine.stateDir, 'guardian-key.secret.json')).mode & 0o777).toBe(0o600);
    }
  });

  it('the shared medium holds only public and sealed messages: no secret, no passphrase', () => {
    const names = readdirSync(room.media);
    expect(
      names.filter((n) => !/^(commitment|announcement|share|acceptance)-guardian-\d(-to-guardian-\d)?\.json$/.test(n)),
    ).toEqual([]);
    const text = names.map((n) => readFileSync(path.join(room.media, n), 'utf8')).join('\n');
    for (const machine of room.machines) expect(text).not.toContain(machine.passphrase);
    expect(text).not.toMatch(/"secret"|"coefficients"|"transportSecret"/);
  });
});

describe('the attack: one operator combining shares from one folder', () => {
  it('works on the demo path (every share in one folder) and nowhere on the non-demo path', async () => {
    const ceremonyJson = JSON.parse(readFileSync(path.join(record, 'guardians/key-ceremony.json'), 'utf8')) as {
      jointKey: string;
    };
    const jointKey = Buffer.from(ceremonyJson.jointKey, 'base64url');
    const passphrases = room.machines.map((m) => m.passphrase);

    // Even an operator who somehow holds every guardian's passphrase finds at most one share in any folder.
    for (const folder of [room.media, ...room.machines.map((m) => path.dirname(m.stateDir))]) {
      const attempt = rebuildElectionSecret(folder, passphrases, jointKey, 3);
      expect(attempt.rebuilt).toBe(false);
      expect(attempt.opened).toBeLessThanOrEqual(1);
    }

    // The all-in-one command refuses without --demo, writing nothing, and no command takes a file of several passphrases.
    const all = path.join(work, 'all-passphrases');
    writeFileSync(all, `${passphrases.join('\n')}\n`, { mode: 0o600 });
    const oneFolder = path.join(work, 'one-folder');
    const refused = await urnaAsync([
      'keys',
      'ceremony',
      '--base-hash',
      'A'.repeat(43),
      '--guardians',
      '5',
      '--threshold',
      '3',
      '--out',
      oneFolder,
      '--passphrase-file',
      all,
    ]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('runs only with --demo');
    expect(() => statSync(oneFolder)).toThrow();
    const machine = room.machines[0];
    if (machine === undefined) throw new Error('machine');
    const emptyMedium = path.join(work, 'never-media');
    mkdirSync(emptyMedium);
    for (const args of [
      [
        'tally',
        'share',
        '--record',
        record,
        '--state',
        machine.stateDir,
        '--out',
        path.join(work, 'never.json'),
        '--passphrase-file',
        all,
      ],
      [
        'guardian',
        'init',
        '--state',
        path.join(work, 'never-state'),
        '--messages',
        emptyMedium,
        '--guardians',
        '5',
        '--threshold',
        '3',
        '--index',
        '1',
        '--base-hash',
        'A'.repeat(43),
        '--passphrase-file',
        all,
      ],
    ]) {
      const multi = await urnaAsync(args);
      expect(multi.status).toBe(1);
      expect(multi.stderr).toContain("holds 5 lines: it must hold one guardian's passphrase alone");
    }

    // What the old path did, now only under --demo: every share in one folder, and the secret falls out.
    mkdirSync(oneFolder);
    const demo = await urnaAsync([
      'keys',
      'ceremony',
      '--demo',
      '--base-hash',
      'A'.repeat(43),
      '--guardians',
      '5',
      '--threshold',
      '3',
      '--out',
      oneFolder,
      '--passphrase-file',
      all,
    ]);
    expect(demo.status).toBe(0);
    expect(demo.stdout).toContain('DEMO KEYS PROVE NOTHING');
    expect(readFileSync(path.join(oneFolder, 'DEMO-KEYS-PROVE-NOTHING.txt'), 'utf8')).toContain(
      'can rebuild the election secret',
    );
    const demoKey = Buffer.from(
      (JSON.parse(readFileSync(path.join(oneFolder, 'key-ceremony.json'), 'utf8')) as { jointKey: string }).jointKey,
      'base64url',
    );
    expect(rebuildElectionSecret(oneFolder, passphrases, demoKey, 3)).toEqual({ opened: 5, rebuilt: true });
  }, 120_000);
});
