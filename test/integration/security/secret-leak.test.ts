/**
 * No secret in any log line, report, error message or the renderer. One
 * realistic run: a station is provisioned (its Ed25519 key and the poll-book
 * key), voters cast and challenge ballots through the station service, the
 * renderer's view of every step is kept; a validator key is made with the CLI
 * and a validator runs as a real `urna validator start` process that checks and
 * cosigns a station's ballots; the guardians' key ceremony runs with
 * passphrases. Then every produced artifact — each file under every temporary
 * folder (SQLite databases included, byte for byte), the event logs, the
 * stdout/stderr of every CLI run, the printouts, and every status and voter
 * screen the renderer received — is searched for the hex, base64 and base64url
 * forms (and the raw bytes) of every secret of the run. Secret files themselves
 * (the key files, the passphrase file) are the only places allowed to hold
 * them, and each of those must be mode 0600.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BallotMarks } from '../../../core/api/ballot';
import { readGuardianSecretFile } from '../../../cli/guardian-files';
import { main } from '../../../cli/urna';
import { scalarToBytes } from '../../../core/ballot';
import { utf8Encode, type Bytes } from '../../../core/encoding/bytes';
import { parseSignerKey } from '../../../core/ledger/note';
import { dispatchStationCall } from '../../../main/api/dispatch';
import { POLLBOOK_KEY_FILE } from '../../../main/station/pollbook';
import { MemoryPrinter } from '../../support/memory-printer';
import { startTestStation, type TestStation, POLL_WORKER } from '../../support/station';
import { encodingsOf, secretsIn, type NamedSecret } from '../../unit/security/secret-encodings';
import { BallotWriter, makeTestElection, seedFor, type TestElection } from '../validator/fixture';
import { activateVoterSession } from '../../../main/station/check-in';
import { openPolls } from '../../../main/station/polls';

const STYLE = 'style-district-1';
const MARKS: BallotMarks = {
  selections: { 'charter-amendment': ['charter-yes'], 'council-district-1': ['bogdanov-ilya', 'write-in-1'] },
  writeIns: { 'council-district-1': { 'write-in-1': 'Петрова Зоя' } },
};
const PASSPHRASES = ['guardian one passphrase', 'guardian two passphrase', 'guardian three passphrase'];

let work: string;
let station: TestStation;
let election: TestElection;
const printer = new MemoryPrinter();
/** Everything the renderer was sent, and every CLI and process output, by name. */
const transcripts: { where: string; text: string }[] = [];
const secrets: NamedSecret[] = [];
/** Files that exist to hold a secret: mode 0600, and left out of the search. */
const secretFiles: string[] = [];

function signerSeed(file: string): Bytes {
  const parsed = parseSignerKey(readFileSync(file, 'utf8').trim());
  if (!parsed.ok) throw new Error(`${file}: not a signer key`);
  return parsed.value.secretKey;
}

async function urna(...args: string[]): Promise<number> {
  let text = '';
  const capture = (chunk: unknown) => {
    text += String(chunk);
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    return await main(['node', 'urna', ...args]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    transcripts.push({ where: `urna ${args.slice(0, 2).join(' ')}`, text });
  }
}

/** What the renderer gets: every call goes through the same dispatch as IPC. */
async function rendererCall(method: string, args: unknown = {}): Promise<unknown> {
  const result = await dispatchStationCall(station.handlers, station.logger, method, args, {
    origin: 'secret-leak-test',
  });
  transcripts.push({ where: `renderer ${method}`, text: JSON.stringify(result) });
  return result;
}

async function castOneBallot(challengeFirst: boolean): Promise<void> {
  const activated = activateVoterSession(station.context, { ballotStyleId: STYLE });
  if (!activated.ok) throw new Error(`activate: ${activated.error.kind}`);
  await rendererCall('getVoterSession');
  if (challengeFirst) {
    await rendererCall('commitBallot', { marks: MARKS, undervoteAcknowledged: true });
    await rendererCall('challengeBallot');
  }
  await rendererCall('commitBallot', { marks: MARKS, undervoteAcknowledged: true });
  await rendererCall('castBallot');
  await station.service.whenPrintingDone();
  await rendererCall('getVoterSession');
  await rendererCall('finishVoterSession');
  await rendererCall('getStationStatus');
}

/** A real validator process: `urna validator start`, all its output kept. */
async function runValidator(configFile: string, work: (url: string) => Promise<void>): Promise<void> {
  const child = spawn(process.execPath, [path.resolve('bin/urna.mjs'), 'validator', 'start', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`validator did not start: ${stderr}`)), 30_000);
      child.once('exit', () => reject(new Error(`validator exited: ${stderr}`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        stdout += `${line}\n`;
        const match = /listening on (http:\/\/\S+)/.exec(line);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    await work(url);
  } finally {
    child.kill('SIGTERM');
    await exited;
    transcripts.push({ where: 'validator stdout', text: stdout }, { where: 'validator stderr', text: stderr });
  }
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'urna-secrets-'));

  // ---- the station: provisioned, voters cast and challenge, a hostile call or two.
  station = startTestStation({ stationId: 'st-secrets-01', sampleElection: true, ballotPrinter: printer });
  const stationKey = path.join(station.dataDir, 'station.key');
  const pollBookKey = path.join(station.dataDir, POLLBOOK_KEY_FILE);
  secretFiles.push(stationKey, pollBookKey);
  secrets.push(
    { name: 'station signing key', bytes: signerSeed(stationKey) },
    { name: 'poll-book key', bytes: Uint8Array.from(Buffer.from(readFileSync(pollBookKey, 'utf8').trim(), 'hex')) },
  );
  await rendererCall('getStationStatus');
  const opened = await openPolls(station.context, POLL_WORKER);
  if (!opened.ok) throw new Error(`open polls: ${opened.error.kind}`);
  await castOneBallot(false);
  await castOneBallot(true);
  await castOneBallot(false);
  await rendererCall('commitBallot', { marks: 'not marks', undervoteAcknowledged: 1 });
  await rendererCall('castBallot', { key: 'x' });
  await rendererCall('noSuchMethod', {});
  transcripts.push({ where: 'station event log', text: JSON.stringify(station.logger.events) });
  transcripts.push({ where: 'printouts', text: printer.printed.join('\n') });

  // ---- keys made with the CLI, and a validator at work.
  const validatorKey = path.join(work, 'keys', 'observers.key');
  expect(await urna('validator', 'keygen', '--name', 'ngo-observers', '--out', validatorKey)).toBe(0);
  secretFiles.push(validatorKey);
  secrets.push({ name: 'validator key (keygen)', bytes: signerSeed(validatorKey) });

  election = makeTestElection({
    validators: 1,
    stations: [{ id: 'station-1', precinct: 'uik-1201' }],
    label: 'secrets',
  });
  const validator = election.validators[0];
  const spec = election.stations[0];
  if (validator === undefined || spec === undefined) throw new Error('fixture');
  // The fixture keeps the authority's signing key (for `urna station manifest` and
  // `not-operated`) in its own 0600 file: that file is where the secret belongs.
  secretFiles.push(validator.keyFile, election.authoritySignerKeyFile);
  secrets.push(
    { name: 'validator-1 cosigning key', bytes: signerSeed(validator.keyFile) },
    { name: 'election authority key', bytes: seedFor('secrets/authority') },
    { name: 'station-1 key', bytes: seedFor('secrets/station/station-1') },
  );
  const writer = BallotWriter.open(election, spec, path.join(election.dir, 'station-1'));
  writer.openPolls();
  for (let i = 0; i < 3; i++) writer.castBallot();
  writer.challengeBallot();
  await runValidator(election.writeConfig(validator, 0), async (url) => {
    for (const log of ['ballots', 'pollbook'] as const) {
      const size = writer.ledger.size(log);
      const checkpoint = writer.ledger.checkpointBetween(log, size - 1, size);
      if (checkpoint === undefined) throw new Error('checkpoint');
      const body = {
        origin: writer.ledger.origin(log),
        from: 0,
        entries: writer.ledger.entryTexts(log, 0, size),
        checkpoint: checkpoint.note,
      };
      const response = await fetch(`${url}/urna/v1/entries`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      transcripts.push({ where: `validator answer (${log})`, text: await response.text() });
      expect(response.status).toBe(200);
    }
    for (const [method, route, body] of [
      ['POST', '/urna/v1/entries', '{"origin": "urna/x/y/ballots", "from": 0'],
      ['POST', '/add-checkpoint', 'old 0\n\nnot a checkpoint\n'],
      ['GET', '/urna/v1/logs', undefined],
      ['GET', '/urna/v1/totals', undefined],
      ['GET', '/urna/v1/evidence', undefined],
    ] as const) {
      const response = await fetch(`${url}${route}`, {
        method,
        body,
        headers:
          body === undefined ? {} : { 'content-type': route.startsWith('/add') ? 'text/plain' : 'application/json' },
      });
      transcripts.push({ where: `validator ${method} ${route}`, text: await response.text() });
    }
  });
  writer.close();

  // ---- the guardians' key ceremony.
  const passphraseFile = path.join(work, 'passphrases.txt');
  writeFileSync(passphraseFile, `${PASSPHRASES.join('\n')}\n`, { mode: 0o600 });
  secretFiles.push(passphraseFile);
  const ceremony = path.join(work, 'ceremony');
  expect(
    await urna(
      'keys',
      'ceremony',
      '--demo',
      '--base-hash',
      'A'.repeat(43),
      '--guardians',
      '3',
      '--threshold',
      '2',
      '--out',
      ceremony,
      '--passphrase-file',
      passphraseFile,
    ),
  ).toBe(0);
  PASSPHRASES.forEach((passphrase, i) => {
    const share = readGuardianSecretFile(path.join(ceremony, `guardian-${i + 1}.secret.json`), { passphrase });
    secrets.push(
      { name: `guardian-${i + 1} key share`, bytes: scalarToBytes(share.secret) },
      { name: `guardian-${i + 1} passphrase`, bytes: utf8Encode(passphrase) },
    );
  });
  // A guardian typing the wrong passphrase: the refusal is an artifact too.
  expect(
    await urna(
      'tally',
      'share',
      '--record',
      path.join(work, 'no-record'),
      '--key',
      path.join(ceremony, 'guardian-1.secret.json'),
      '--out',
      path.join(work, 'share.json'),
      '--passphrase-file',
      passphraseFile.replace('.txt', '-wrong.txt'),
    ),
  ).not.toBe(0);
}, 120_000);

afterAll(async () => {
  await station?.close();
  election?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('secrets of a realistic run', () => {
  it('knows what it is looking for', () => {
    expect(secrets.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'station signing key',
        'poll-book key',
        'validator-1 cosigning key',
        'guardian-3 key share',
        'guardian-3 passphrase',
      ]),
    );
    for (const secret of secrets) expect(secret.bytes.length, secret.name).toBeGreaterThanOrEqual(16);
    // The search is not vacuous: each secret file holds its secret in one of the searched forms
    // (the station key as base64 of type byte ‖ seed, the poll-book key as hex, passphrases as text).
    for (const file of secretFiles)
      expect(secretsIn(readFileSync(file, 'latin1'), secrets, file).length, file).toBeGreaterThan(0);
    for (const secret of secrets)
      expect(
        encodingsOf(secret.bytes).every((e) => e.length >= 16),
        secret.name,
      ).toBe(true);
    expect(transcripts.length).toBeGreaterThan(20);
  });

  it('keeps every secret file mode 0600', () => {
    for (const file of secretFiles) expect(statSync(file).mode & 0o777, file).toBe(0o600);
    for (let i = 1; i <= 3; i++)
      expect(statSync(path.join(work, 'ceremony', `guardian-${i}.secret.json`)).mode & 0o777).toBe(0o600);
  });

  it('finds no secret in any file the run produced, byte for byte', () => {
    const roots = [station.dataDir, election.dir, work];
    const files = roots.flatMap(filesUnder).filter((file) => !secretFiles.includes(file));
    expect(files.length).toBeGreaterThan(10);
    expect(files.some((file) => file.endsWith('.sqlite') || file.includes('ledger'))).toBe(true);
    expect(files.some((file) => file.endsWith('events.jsonl'))).toBe(true);
    const found: string[] = [];
    for (const file of files) {
      const bytes = readFileSync(file);
      found.push(...secretsIn(bytes.toString('latin1'), secrets, file));
      for (const secret of secrets)
        if (bytes.indexOf(Buffer.from(secret.bytes)) !== -1) found.push(`${secret.name} (raw bytes) in ${file}`);
    }
    expect(found).toEqual([]);
  });

  it('finds no secret in the event logs, the CLI and validator output, the printouts, or anything the renderer received', () => {
    const found = transcripts.flatMap(({ where, text }) => secretsIn(text, secrets, where));
    expect(found).toEqual([]);
  });
});
