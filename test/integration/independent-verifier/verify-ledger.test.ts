/**
 * A second verifier of the ledger layer, in Python, written from docs/SPEC.md alone
 * (test/independent-verifier/verify_ledger.py; SPEC §4.7), against a record of a small
 * simulated election and against small mutations of it. On the record both it and
 * `urna verify` accept; on every mutation both reject, with the same check code
 * (SPEC §11):
 *
 *   tampered leaf, wrong Merkle root (re-signed and cosigned), bad station signature,
 *   forged cosignature, malleated cosignature (S + ℓ, which only a lax Ed25519
 *   verifier accepts), one validator counted twice, too few cosignatures, validators
 *   not named in the package, a checkpoint whose size goes backwards (re-signed and
 *   cosigned) — and, as a control, the same checkpoint re-signed and re-cosigned
 *   unchanged, which both accept (so each failure is the mutation's, not the tooling's).
 *
 * Also: strict Ed25519 (SPEC §4.3) gives the same answers in both on crafted cases,
 * one of which (the identity key with R the identity and S = 0) OpenSSL alone accepts.
 *
 * And on the vectors of SPEC §12: it accepts the reference record (test/vectors/record/),
 * rejects every ledger-layer negative vector (steps V1, V4–V12, V18, and a ballot-log
 * entry that is not canonical) at the vector's step and with its check, and accepts the
 * negative vectors whose fault lies above the ledger layer (ceremony, ballot rules,
 * proofs, tally), which are outside its scope (SPEC §4.7).
 *
 * The mutations re-sign with the station's and validators' keys from the simulation's
 * working folder. The suite skips, loudly, only without python3 and its Ed25519
 * library (python3-cryptography) or (the simulated election alone) without socat.
 */
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/urna';
import { fromBase64, fromHex, toBase64, toHex, utf8Encode } from '../../../core/encoding/bytes';
import { formatCheckpoint, parseCheckpoint } from '../../../core/ledger/checkpoint';
import { cosign, ed25519Cosigner } from '../../../core/ledger/cosignature';
import { rootOfEntries } from '../../../core/ledger/merkle';
import {
  ed25519NoteSigner,
  formatNote,
  parseNote,
  parseSignerKey,
  verifyEd25519Strict,
  type NoteSignature,
} from '../../../core/ledger/note';
import { socatAvailable } from '../../../main/station/demo-devices';
import { urnaAsync, type Ran } from '../../support/guardian-machines';
import {
  negativeVectors,
  REFERENCE_RECORD_DIR,
  referenceRecordFiles,
  withChanges,
  writeRecordFolder,
  type NegativeVector,
} from '../../support/spec-vectors';

const VERIFIER = path.resolve('test/independent-verifier/verify_ledger.py');
const STATION = 'station-01';
const TIMESTAMP = 1_760_000_000;

function pythonReady(): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync('python3', ['-c', 'import cryptography.hazmat.primitives.asymmetric.ed25519'], {
    encoding: 'utf8',
  });
  if (probe.error !== undefined)
    return { ok: false, reason: 'python3 is not installed (Debian: apt-get install python3)' };
  if (probe.status !== 0)
    return {
      ok: false,
      reason:
        "python3 has no Ed25519 library: the package 'cryptography' is missing (Debian: apt-get install python3-cryptography)",
    };
  return { ok: true };
}

const python = pythonReady();
const socat = socatAvailable();
const skipReason = !python.ok
  ? python.reason
  : !socat
    ? 'socat is not installed: the simulated election needs its pseudo-terminal devices'
    : undefined;
if (skipReason !== undefined) {
  const banner = '!'.repeat(78);
  process.stderr.write(
    `\n${banner}\n!! SKIPPED: the independent Python ledger verifier (test/integration/independent-verifier)\n!! because ${skipReason}.\n${banner}\n\n`,
  );
}

type Verdict = { ok: boolean; step?: string | undefined; check: string | undefined; output: string };

/** The Python verifier in a child process, without blocking the test worker's event loop. */
function runPython(record: string): Promise<Verdict> {
  return new Promise((resolve, reject) => {
    execFile('python3', [VERIFIER, record], { encoding: 'utf8' }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : undefined;
      const output = `${stdout}${stderr}`;
      if (status === undefined || status === 2) {
        reject(new Error(`the Python verifier could not run: ${output || error?.message}`));
        return;
      }
      const failure = /^FAIL (V\d+) ([a-z-]+)/m.exec(stdout);
      resolve({ ok: status === 0, step: failure?.[1], check: failure?.[2], output });
    });
  });
}

async function runUrnaVerify(record: string): Promise<Verdict> {
  const report = path.join(path.dirname(record), `${path.basename(record)}-report.json`);
  const code = await main(['node', 'urna', 'verify', record, '--report', report, '--quiet', '--threads', '0']);
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    ok: boolean;
    failure?: { check: string; message: string };
  };
  return { ok: code === 0 && json.ok, check: json.failure?.check, output: json.failure?.message ?? '' };
}

/** `urna simulate` in a child process, so the test worker's event loop stays free. */
function simulate(out: string, work: string): Promise<Ran> {
  const shape = [
    '--stations',
    '2',
    '--voters',
    '3',
    '--validators',
    '3',
    '--cosign',
    '2',
    '--guardians',
    '1',
    '--threshold',
    '1',
  ];
  return urnaAsync([
    'simulate',
    ...shape,
    '--seed',
    'py-ledger',
    '--out',
    out,
    '--work',
    work,
    '--keep-work',
    '--quiet',
    '--threads',
    '1',
  ]);
}

// ---------------------------------------------------------------- the mutations

type Keys = { work: string };

function signerKey(file: string) {
  const parsed = parseSignerKey(readFileSync(file, 'utf8').trim());
  if (!parsed.ok) throw new Error(`${file} is not a signer key`);
  return parsed.value;
}

function stationSigner(keys: Keys) {
  const key = signerKey(path.join(keys.work, 'stations', STATION, 'station.key'));
  return ed25519NoteSigner(key.name, key.secretKey);
}

function validatorCosigner(keys: Keys, n: number) {
  const key = signerKey(path.join(keys.work, 'validators', `validator-${n}.key`));
  return ed25519Cosigner(key.name, key.secretKey);
}

/** A cosigner under a fresh key the package does not name. */
function strangerCosigner(name: string, seedByte: number) {
  return ed25519Cosigner(name, new Uint8Array(32).fill(seedByte));
}

type LogFiles = { checkpointFile: string; entriesFile: string };

function logFiles(record: string): LogFiles {
  const dir = path.join(record, 'stations', STATION, 'ballots');
  return { checkpointFile: path.join(dir, 'checkpoint'), entriesFile: path.join(dir, 'entries.jsonl') };
}

function entryLines(record: string): string[] {
  const text = readFileSync(logFiles(record).entriesFile, 'utf8');
  return text.slice(0, -1).split('\n');
}

function readNote(record: string): { text: string; signatures: readonly NoteSignature[] } {
  const parsed = parseNote(readFileSync(logFiles(record).checkpointFile, 'utf8'));
  if (!parsed.ok) throw new Error('the simulated checkpoint does not parse');
  return parsed.value;
}

function writeNote(record: string, text: string, signatures: readonly NoteSignature[]): void {
  writeFileSync(logFiles(record).checkpointFile, formatNote({ text, signatures }));
}

/** A checkpoint body the station signs anew, cosigned by the given validators. */
function resign(record: string, keys: Keys, text: string, validators: readonly number[]): void {
  const station = stationSigner(keys);
  const own: NoteSignature = { name: station.name, keyId: station.keyId, signature: station.sign(utf8Encode(text)) };
  writeNote(record, text, [own, ...validators.map((n) => cosign(text, validatorCosigner(keys, n), TIMESTAMP))]);
}

function flipByte(signature: NoteSignature, at: number): NoteSignature {
  const bytes = Uint8Array.from(signature.signature);
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return { ...signature, signature: bytes };
}

/** The first validator whose cosignature the simulated checkpoint carries (any t of n may have cosigned). */
function firstCosigner(record: string): string {
  const name = readNote(record).signatures.find((s) => /^validator-[0-9]+$/.test(s.name))?.name;
  if (name === undefined) throw new Error('the simulated checkpoint carries no cosignature');
  return name;
}

/** Adds ℓ to the S half of an Ed25519 signature: the same signature, not canonical (RFC 8032 §5.1.7 refuses S ≥ ℓ). */
function malleate(signature: NoteSignature): NoteSignature {
  const ell = 2n ** 252n + 27742317777372353535851937790883648493n;
  const bytes = Uint8Array.from(signature.signature);
  const at = bytes.length - 32;
  let value = 0n;
  for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(bytes[at + i] ?? 0);
  value += ell;
  for (let i = 0; i < 32; i++) bytes[at + i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return { ...signature, signature: bytes };
}

function signaturesBy(record: string, names: readonly string[]): NoteSignature[] {
  return readNote(record).signatures.filter((s) => names.includes(s.name));
}

/** The station key's name, as its verifier key in the record says. */
function stationKeyNameIn(record: string): string {
  return readFileSync(path.join(record, 'stations', STATION, 'station.vkey'), 'utf8')
    .trim()
    .split('+')[0] as string;
}

type Mutation = { readonly name: string; readonly check: string; readonly apply: (record: string, keys: Keys) => void };

const MUTATIONS: readonly Mutation[] = [
  {
    name: 'tampered leaf: one character of a confirmation code in entries.jsonl',
    check: 'log-root',
    apply: (record) => {
      const lines = entryLines(record);
      const at = lines.findIndex((l) => l.includes('"confirmationCode":"'));
      const line = lines[at] as string;
      const i = line.indexOf('"confirmationCode":"') + '"confirmationCode":"'.length;
      lines[at] = `${line.slice(0, i)}${line[i] === 'A' ? 'B' : 'A'}${line.slice(i + 1)}`;
      writeFileSync(logFiles(record).entriesFile, `${lines.join('\n')}\n`);
    },
  },
  {
    name: 'wrong Merkle root: the station signs, and three validators cosign, a root the entries do not give',
    check: 'log-root',
    apply: (record, keys) => {
      const body = parseCheckpoint(readNote(record).text);
      if (!body.ok) throw new Error('checkpoint');
      const wrong = rootOfEntries(entryLines(record).map((l, i) => utf8Encode(i === 0 ? `${l} ` : l)));
      resign(record, keys, formatCheckpoint({ ...body.value, rootHash: wrong }), [1, 2, 3]);
    },
  },
  {
    name: "bad station signature: one bit of the station's Ed25519 signature flipped",
    check: 'checkpoint-signature',
    apply: (record) => {
      const note = readNote(record);
      writeNote(
        record,
        note.text,
        note.signatures.map((s) => (s.name === stationKeyNameIn(record) ? flipByte(s, 10) : s)),
      );
    },
  },
  {
    name: "forged cosignature: one bit of a validator's Ed25519 signature flipped (after its timestamp)",
    check: 'cosignature',
    apply: (record) => {
      const note = readNote(record);
      const forged = firstCosigner(record);
      writeNote(
        record,
        note.text,
        note.signatures.map((s) => (s.name === forged ? flipByte(s, 8 + 20) : s)),
      );
    },
  },
  {
    name: "malleated cosignature: S + ℓ in a validator's Ed25519 signature (verifies under a lax verifier)",
    check: 'cosignature',
    apply: (record) => {
      const note = readNote(record);
      const malleated = firstCosigner(record);
      writeNote(
        record,
        note.text,
        note.signatures.map((s) => (s.name === malleated ? malleate(s) : s)),
      );
    },
  },
  {
    name: 'duplicate validator: one validator twice (its own line and a second valid cosignature at another time), no other',
    check: 'cosignature-threshold',
    apply: (record, keys) => {
      const note = readNote(record);
      const twice = firstCosigner(record);
      const again = cosign(note.text, validatorCosigner(keys, Number(twice.slice('validator-'.length))), TIMESTAMP);
      writeNote(record, note.text, [
        ...signaturesBy(record, [stationKeyNameIn(record), twice]),
        again,
        ...signaturesBy(record, [twice]),
      ]);
    },
  },
  {
    name: 'too few cosignatures: one validator of the 2 needed',
    check: 'cosignature-threshold',
    apply: (record) => {
      const note = readNote(record);
      writeNote(record, note.text, signaturesBy(record, [stationKeyNameIn(record), firstCosigner(record)]));
    },
  },
  {
    name: "validators not named in the package: valid cosignatures by validator-9 and by other keys under every validator's name, with one real validator",
    check: 'cosignature-threshold',
    apply: (record) => {
      const note = readNote(record);
      const names = ['validator-9', 'validator-1', 'validator-2', 'validator-3'];
      const strangers = names.map((name, i) => cosign(note.text, strangerCosigner(name, 9 + i), TIMESTAMP));
      writeNote(record, note.text, [
        ...signaturesBy(record, [stationKeyNameIn(record), firstCosigner(record)]),
        ...strangers,
      ]);
    },
  },
  {
    name: 'size goes backwards: a checkpoint one entry smaller, with its true root, signed and cosigned by all three, over the same entries',
    check: 'log-root',
    apply: (record, keys) => {
      const body = parseCheckpoint(readNote(record).text);
      if (!body.ok) throw new Error('checkpoint');
      const shorter = entryLines(record).slice(0, -1);
      resign(
        record,
        keys,
        formatCheckpoint({
          ...body.value,
          size: shorter.length,
          rootHash: rootOfEntries(shorter.map((l) => utf8Encode(l))),
        }),
        [1, 2, 3],
      );
    },
  },
];

const CONTROL: Mutation = {
  name: 'control: the same checkpoint signed and cosigned anew, unchanged',
  check: '',
  apply: (record, keys) => resign(record, keys, readNote(record).text, [3, 1]),
};

describe.skipIf(skipReason !== undefined)('the independent Python ledger verifier (docs/SPEC.md §4)', () => {
  let dir: string;
  let record: string;
  let keys: Keys;
  let simulated: Ran;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'urna-pyverify-'));
    record = path.join(dir, 'record');
    keys = { work: path.join(dir, 'work') };
    simulated = await simulate(record, keys.work);
  }, 900_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function mutated(mutation: Mutation, index: number): string {
    const copy = path.join(dir, `mutation-${index}`);
    cpSync(record, copy, { recursive: true });
    mutation.apply(copy, keys);
    return copy;
  }

  it('accepts the simulated record, as urna verify does', async () => {
    expect(simulated.status, simulated.stderr.slice(-2000)).toBe(0);
    expect((JSON.parse(simulated.stdout) as { verified: boolean }).verified).toBe(true);
    const verdict = await runPython(record);
    expect(verdict.output).toMatch(/^ledger verified: election svetlogorye-2026-09, 2 station\(s\)/);
    expect(verdict.ok).toBe(true);
  });

  it('accepts the checkpoint signed and cosigned anew by the same keys (the mutations sign correctly)', async () => {
    const copy = mutated(CONTROL, 99);
    expect(readFileSync(path.join(copy, 'stations', STATION, 'ballots', 'checkpoint'), 'utf8')).not.toBe(
      readFileSync(path.join(record, 'stations', STATION, 'ballots', 'checkpoint'), 'utf8'),
    );
    expect(await runPython(copy)).toMatchObject({ ok: true });
    expect(await runUrnaVerify(copy)).toMatchObject({ ok: true, check: undefined });
  }, 120_000);

  it.each(MUTATIONS.map((m, i) => [m.name, m, i] as const))(
    'rejects %s — both verifiers, the same check',
    async (_name, mutation, index) => {
      const copy = mutated(mutation, index);
      const py = await runPython(copy);
      expect(py.ok, py.output).toBe(false);
      expect(py.check, py.output).toBe(mutation.check);
      expect(py.output).toMatch(new RegExp(`^FAIL V\\d+ ${mutation.check} station ${STATION}`));
      const ts = await runUrnaVerify(copy);
      expect(ts.ok, ts.output).toBe(false);
      expect(ts.check, ts.output).toBe(mutation.check);
    },
    120_000,
  );

  it('reads the base64 of a cosignature line as SPEC §4.5 lays it out: key id, timestamp, signature (76 bytes)', () => {
    const line = readFileSync(path.join(record, 'stations', STATION, 'ballots', 'checkpoint'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('— validator-1 '));
    expect(line).toBeDefined();
    const payload = fromBase64((line as string).split(' ')[2] as string);
    expect(payload.length).toBe(76);
    expect(toBase64(payload)).toBe((line as string).split(' ')[2]);
  });
});

/** The vectors of SPEC §12.4 that concern the ledger layer alone, which the Python verifier must reject as urna verify does. */
const LEDGER_STEPS = new Set(['V1', 'V4', 'V5', 'V6', 'V7', 'V8', 'V9', 'V10', 'V11', 'V12', 'V18']);
const isLedgerVector = (v: NegativeVector): boolean =>
  LEDGER_STEPS.has(v.step) || (v.step === 'V13' && v.check === 'entry-schema');

describe.skipIf(!python.ok)('the independent Python ledger verifier on the vectors of docs/SPEC.md §12', () => {
  const reference = referenceRecordFiles();
  const vectors = negativeVectors();
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'urna-pyvectors-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const written = (vector: NegativeVector): string => {
    const record = path.join(dir, vector.name);
    writeRecordFolder(record, withChanges(reference, vector.changes));
    return record;
  };

  it('accepts the reference record test/vectors/record/', async () => {
    expect(existsSync(path.join(REFERENCE_RECORD_DIR, 'election.json'))).toBe(true);
    const verdict = await runPython(REFERENCE_RECORD_DIR);
    expect(verdict.ok, verdict.output).toBe(true);
    expect(verdict.output).toMatch(/^ledger verified: election svetlogorye-2026-09, 2 station\(s\)/);
  });

  it('has ledger-layer vectors for every step of the ledger layer', () => {
    expect(new Set(vectors.filter(isLedgerVector).map((v) => v.step))).toEqual(new Set([...LEDGER_STEPS, 'V13']));
  });

  it.each(vectors.filter(isLedgerVector).map((v) => [v.name, v.step, v.check, v] as const))(
    'rejects %s at %s with %s, as urna verify does',
    async (_name, step, check, vector) => {
      const verdict = await runPython(written(vector));
      expect(verdict.ok, verdict.output).toBe(false);
      expect({ step: verdict.step, check: verdict.check }, verdict.output).toEqual({ step, check });
    },
  );

  it.each(vectors.filter((v) => !isLedgerVector(v)).map((v) => [v.name, v.step, v] as const))(
    'accepts %s (a fault at %s, above the ledger layer)',
    async (_name, _step, vector) => {
      const verdict = await runPython(written(vector));
      expect(verdict.ok, verdict.output).toBe(true);
    },
  );
});

/** Ed25519 cases where a lax verifier and SPEC §4.3's strict rules disagree, or must agree. */
const RFC8032_KEY = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const RFC8032_SIG =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
const IDENTITY = `01${'00'.repeat(31)}`;
const ED25519_CASES: readonly { name: string; key: string; signature: string; message: string; valid: boolean }[] = [
  { name: 'RFC 8032 test 1 (empty message)', key: RFC8032_KEY, signature: RFC8032_SIG, message: '', valid: true },
  {
    name: 'RFC 8032 test 1 with S + ℓ',
    key: RFC8032_KEY,
    signature: toHex(malleate({ name: 'x', keyId: 0, signature: fromHex(RFC8032_SIG) }).signature),
    message: '',
    valid: false,
  },
  // (R, S) = (identity, 0) satisfies [S]B = R + [k]A for the identity key and any message.
  {
    name: 'the identity as public key, R the identity, S = 0',
    key: IDENTITY,
    signature: `${IDENTITY}${'00'.repeat(32)}`,
    message: '75726e61',
    valid: false,
  },
  {
    name: 'a key of order 2 (y = p − 1)',
    key: `ec${'ff'.repeat(30)}7f`,
    signature: `${IDENTITY}${'00'.repeat(32)}`,
    message: '75726e61',
    valid: false,
  },
  {
    name: 'the identity spelt with the sign bit set (x = 0)',
    key: `01${'00'.repeat(30)}80`,
    signature: `${IDENTITY}${'00'.repeat(32)}`,
    message: '75726e61',
    valid: false,
  },
  {
    name: 'R not canonical (y ≥ p)',
    key: RFC8032_KEY,
    signature: `ed${'ff'.repeat(30)}7f${RFC8032_SIG.slice(64)}`,
    message: '',
    valid: false,
  },
];

describe.skipIf(!python.ok)(
  'strict Ed25519 in the Python verifier and in core/ledger/note.ts (docs/SPEC.md §4.3)',
  () => {
    it.each(ED25519_CASES.map((c) => [c.name, c] as const))('%s: both give the same answer', (_name, c) => {
      const code = `import verify_ledger as v; print(v.ed25519_verify(bytes.fromhex('${c.key}'), bytes.fromhex('${c.message}'), bytes.fromhex('${c.signature}')))`;
      const run = spawnSync('python3', ['-c', code], {
        encoding: 'utf8',
        cwd: path.dirname(VERIFIER),
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout.trim()).toBe(c.valid ? 'True' : 'False');
      expect(verifyEd25519Strict(fromHex(c.key), fromHex(c.message), fromHex(c.signature))).toBe(c.valid);
    });
  },
);
