/**
 * The bulletin board as static files from an election record (core/board/mirror.ts,
 * `urna record board`): published by a plain file server under a sub-folder, a
 * mirror answers `urna lookup` exactly as a validator does — the record's
 * checkpoints carry every validator's cosignature, so one mirror confirms a ballot
 * by all of them — and a mirror with an altered file is caught.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortConfirmationCode } from '../../../core/api/ballot';
import { boardMirrorFiles } from '../../../core/board/mirror';
import { fromBase64Url } from '../../../core/encoding/bytes';
import { directoryRecordSource } from '../../../cli/record/files';
import { serveFolder } from '../../support/static-server';
import { runUrna } from '../../support/urna-cli';

/** `urna lookup` with the code after `--`: a full code may begin with '-', which would read as an option. */
const lookup = (code: string, ...options: string[]) => runUrna('lookup', ...options, '--', code);

const RECORD = path.resolve('test/vectors/record');
/** Reference-record ballots (test/vectors/record/stations/*): cast at station-01 entry 2, challenged at entry 1. */
const CAST = 'EWVOUe9rTpyeGvFkGKRxF6frLSNHpmsBz-7UyNhrJ9U';
const CHALLENGED = 'GWXZLI05X7Ht3gGbAqXoP7ZhXiWoT103t_VkgS_ccfc';

let out: string;
let mirror: { url: string; close(): Promise<void> };

beforeAll(async () => {
  out = mkdtempSync(path.join(tmpdir(), 'urna-mirror-'));
  const files = boardMirrorFiles(directoryRecordSource(RECORD), { authorityKey: 'self' });
  if (!files.ok) throw new Error(files.error);
  for (const [relative, text] of files.value) {
    mkdirSync(path.dirname(path.join(out, relative)), { recursive: true });
    writeFileSync(path.join(out, relative), text);
  }
  mirror = await serveFolder(out, '/mirror/');
});

afterAll(async () => {
  await mirror?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('a static mirror of the bulletin board', () => {
  it('holds an answer for every shown ballot under its full and its short code, and the lists a board serves', () => {
    const files = boardMirrorFiles(directoryRecordSource(RECORD), { authorityKey: 'self' });
    if (!files.ok) throw new Error(files.error);
    const answers = [...files.value.keys()].filter((f) => f.startsWith('urna/v1/confirmation/'));
    // Six ballots were shown in the reference record: each under two names.
    expect(answers).toHaveLength(12);
    expect(files.value.get(`urna/v1/confirmation/${shortConfirmationCode(fromBase64Url(CAST))}`)).toBe(
      files.value.get(`urna/v1/confirmation/${CAST}`),
    );
    const logs = JSON.parse(files.value.get('urna/v1/logs') ?? '{}') as {
      logs: { stationId: string; log: string; size: number; polls: string }[];
    };
    expect(logs.logs.filter((l) => l.log === 'ballots').map((l) => [l.stationId, l.size, l.polls])).toEqual([
      ['station-01', 9, 'polls-closed-final'],
      ['station-02', 6, 'polls-closed-final'],
    ]);
    expect(files.value.get('urna/v1/election')).toBe(readFileSync(path.join(RECORD, 'election.json'), 'utf8'));
  });

  it('confirms a cast ballot by every validator that cosigned the record, by short or full code, from a sub-folder', async () => {
    const short = shortConfirmationCode(fromBase64Url(CAST));
    for (const code of [short, CAST]) {
      const run = await lookup(code, '--board', mirror.url);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(
        `Ballot ${short} at station station-01: cast. Recorded and confirmed by 3 of 3 independent validators.`,
      );
    }
    const challenged = await lookup(CHALLENGED, '--board', mirror.url);
    expect(challenged.code, challenged.stderr).toBe(0);
    expect(challenged.stdout).toContain('challenged (not counted)');
    expect(challenged.stdout).toContain('The choices the station encrypted (recomputed here):');
  });

  it('says not found for a code the record does not hold, and catches an altered answer file', async () => {
    const missing = await lookup('ZZZZ-ZZZZ', '--board', mirror.url);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no board asked has a ballot with this code (yet)');
    const file = path.join(out, 'urna/v1/confirmation', CAST);
    const honest = readFileSync(file, 'utf8');
    try {
      const answer = JSON.parse(honest) as { index: number };
      writeFileSync(file, JSON.stringify({ ...answer, index: answer.index + 2 }));
      const run = await lookup(CAST, '--board', mirror.url);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('inclusion proof FAILED');
      expect(run.stdout).not.toContain('Recorded');
    } finally {
      writeFileSync(file, honest);
    }
  });
});
