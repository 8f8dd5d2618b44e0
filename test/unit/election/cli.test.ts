import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUrna } from '../../support/urna-cli';
import { setPath, type Json } from './json-edit';

let dir: string;

const urna = runUrna;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'urna-election-cli-'));
  const made = await urna('election', 'sample', '--out', path.join(dir, 'sample'));
  expect(made.code, made.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const at = (...parts: string[]) => path.join(dir, ...parts);

describe('urna election', () => {
  it('sample writes a signed package that validates, with secrets readable by the owner only', async () => {
    const checked = await urna('election', 'validate', at('sample', 'election.json'), '--lang', 'en');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/signed and valid\nbase hash ([0-9a-f]{4} ){15}[0-9a-f]{4}\n/);
    expect(statSync(at('sample', 'authority.key')).mode & 0o777).toBe(0o600);
    expect(statSync(at('sample', 'guardians', 'guardian-1.secret.json')).mode & 0o777).toBe(0o600);
  });

  it('validate prints every problem in the chosen language and exits 1', async () => {
    const def = JSON.parse(readFileSync(at('sample', 'definition.json'), 'utf8')) as Json;
    setPath(def, 'contests[2].voteFor', 10);
    setPath(def, 'precincts[1].id', 'uik-1201');
    writeFileSync(at('broken.json'), JSON.stringify(def));
    const ru = await urna('election', 'validate', at('broken.json'), '--lang', 'ru');
    expect(ru.code).toBe(1);
    expect(ru.stderr).toContain('precincts[1].id: идентификатор «uik-1201» уже использован в precincts[0].id');
    expect(ru.stderr).toContain('contests[2].voteFor: число отметок 10 больше числа вариантов');
    const en = await urna('election', 'validate', at('broken.json'), '--lang', 'en');
    expect(en.stderr).toContain('contests[2].voteFor: vote-for 10 is more than the 9 choices');
  });

  it('sign makes a package from a definition, and refuses a key that is not the authority', async () => {
    const signed = await urna(
      'election',
      'sign',
      '--key',
      at('sample', 'authority.key'),
      '--out',
      at('sample', 'resigned.json'),
      at('sample', 'definition.json'),
    );
    expect(signed.code, signed.stderr).toBe(0);
    expect(
      (
        await urna(
          'election',
          'validate',
          at('sample', 'resigned.json'),
          '--authority-key',
          at('sample', 'authority.key.vkey'),
        )
      ).code,
    ).toBe(0);
    const wrong = await urna(
      'election',
      'sign',
      '--key',
      at('sample', 'card-issuer.key'),
      '--out',
      at('wrong.json'),
      at('sample', 'definition.json'),
      '--lang',
      'en',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('definition.authority.verifierKey: the definition names authority key');
  });

  it('keygen writes a 0600 signing key and its verifier key, and never overwrites', async () => {
    const made = await urna('election', 'keygen', '--out', at('authority2.key'));
    expect(made.code).toBe(0);
    expect(statSync(at('authority2.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(at('authority2.key.vkey'), 'utf8')).toMatch(
      /^election-authority\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+\n$/,
    );
    expect((await urna('election', 'keygen', '--out', at('authority2.key'))).code).toBe(1);
  });

  it('import-nist turns the NIST fixture into a valid definition', async () => {
    const fixture = path.join(import.meta.dirname, '../../fixtures/nist/ballot-definition.json');
    const imported = await urna(
      'election',
      'import-nist',
      fixture,
      '--settings',
      at('sample', 'election.json'),
      '--out',
      at('imported.json'),
    );
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(
      `election ru-prirechny-2026-09-20 (from ${fixture}; --election-id chooses another) on 2026-09-20`,
    );
    expect((await urna('election', 'validate', at('imported.json'))).code).toBe(0);
    const chosen = await urna(
      'election',
      'import-nist',
      fixture,
      '--settings',
      at('sample', 'election.json'),
      '--out',
      at('imported-2.json'),
      '--election-id',
      'prirechny-2026',
    );
    expect(chosen.code, chosen.stderr).toBe(0);
    expect((JSON.parse(readFileSync(at('imported-2.json'), 'utf8')) as { electionId: string }).electionId).toBe(
      'prirechny-2026',
    );
  });

  it('import-nist: --settings is marked required in the help, and its absence is named', async () => {
    const help = await urna('election', 'import-nist', '--help');
    expect(help.stdout).toMatch(/--settings <file>\s+\(required\)/);
    expect(help.stdout).toContain('--election-id <id>');
    const missing = await urna(
      'election',
      'import-nist',
      path.join(import.meta.dirname, '../../fixtures/nist/ballot-definition.json'),
      '--out',
      at('imported-3.json'),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("required option '--settings <file>' not specified");
  });
});

describe('urna station enroll', () => {
  it('enrolls a station key for a precinct of the election, and the enrollment checks out', async () => {
    await urna('election', 'keygen', '--out', at('station.key'), '--name', 'urna/svetlogorye-2026-09/uik-1202-a');
    const enrolled = await urna(
      'station',
      'enroll',
      '--key',
      at('sample', 'authority.key'),
      '--station',
      'uik-1202-a',
      '--precinct',
      'uik-1202',
      '--station-vkey',
      at('station.key.vkey'),
      '--election',
      at('sample', 'election.json'),
      '--out',
      at('enrollment.json'),
    );
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const checked = await urna(
      'station',
      'check-enrollment',
      at('enrollment.json'),
      '--election',
      at('sample', 'election.json'),
    );
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('station uik-1202-a, precinct uik-1202');
  });

  it('refuses a station key named for another election or station, before the validators would', async () => {
    await urna('election', 'keygen', '--out', at('other-station.key'), '--name', 'urna/other-election/uik-1202-a');
    const refused = await urna(
      'station',
      'enroll',
      '--key',
      at('sample', 'authority.key'),
      '--station',
      'uik-1202-a',
      '--precinct',
      'uik-1202',
      '--station-vkey',
      at('other-station.key.vkey'),
      '--election',
      at('sample', 'election.json'),
      '--out',
      at('enrollment-other.json'),
      '--lang',
      'en',
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'the key is named "urna/other-election/uik-1202-a", but this station\'s key must be named "urna/svetlogorye-2026-09/uik-1202-a"',
    );
    expect(existsSync(at('enrollment-other.json'))).toBe(false);
  });

  it('refuses an unknown precinct and a key that is not the authority', async () => {
    await urna('election', 'keygen', '--out', at('x-1.key'), '--name', 'urna/svetlogorye-2026-09/x-1');
    const args = [
      '--station',
      'x-1',
      '--station-vkey',
      at('x-1.key.vkey'),
      '--election',
      at('sample', 'election.json'),
      '--lang',
      'en',
    ];
    const nowhere = await urna(
      'station',
      'enroll',
      '--key',
      at('sample', 'authority.key'),
      '--precinct',
      'uik-7',
      '--out',
      at('e1.json'),
      ...args,
    );
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('precinctId: precinct "uik-7" is not in the election definition');
    const impostor = await urna(
      'station',
      'enroll',
      '--key',
      at('sample', 'card-issuer.key'),
      '--precinct',
      'uik-1201',
      '--out',
      at('e2.json'),
      ...args,
    );
    expect(impostor.code).toBe(1);
    expect(impostor.stderr).toContain('no signature by the pinned election authority key');
  });
});
