/**
 * Writes the negative and stage vectors of docs/SPEC.md §12 under test/vectors/, each a
 * small change to the committed reference record (test/vectors/record/). Changes to a
 * ballot log are re-signed with the reference election's test-only keys
 * (test/vectors/record-keys/) so that they reach the step they are meant for instead of
 * failing earlier at the Merkle root. Run once when the formats change:
 *
 *   node --import tsx scripts/make-spec-vectors.ts
 *
 * The tests (test/unit/record/spec-vectors.test.ts) only read what this writes.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  confirmationSeed,
  deterministicRandom,
  encryptBallot,
  encryptedBallotToRecord,
  nextConfirmationCode,
  parseEncryptedBallot,
  type BallotId,
  type BallotManifest,
  type ConfirmationCode,
} from '../core/ballot';
import { canonicalize } from '../core/encoding/canonical-json';
import { fromBase64, fromBase64Url, toBase64, toBase64Url, utf8Encode } from '../core/encoding/bytes';
import { electionBaseHash } from '../core/election/package';
import { signStationManifest, verifyStationManifest } from '../core/election/station-manifest';
import type { SelectionId, StationId } from '../core/ids';
import { signCheckpoint, stationOrigin } from '../core/ledger/checkpoint';
import { cosign, ed25519Cosigner } from '../core/ledger/cosignature';
import { rootOfEntries, sha256Hasher } from '../core/ledger/merkle';
import { ed25519NoteSigner, formatSignatureLine, parseSignerKey } from '../core/ledger/note';
import { openRecordElection, type RecordElection } from '../core/record/election';
import { stepOfFailure } from '../core/record/steps';
import type { RecordCheck } from '../core/record/failure';

const VECTORS = path.resolve('test/vectors');
const RECORD = path.join(VECTORS, 'record');
const KEYS = path.join(VECTORS, 'record-keys');
/** Cosignature time of re-signed checkpoints (cosignature timestamps are not checked, docs/SPEC.md §11). */
const COSIGN_TIME = 1_790_000_000;

type Files = Map<string, string>;

function load(dir: string, prefix = ''): Files {
  const files: Files = new Map();
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) for (const [k, v] of load(full, `${prefix}${name}/`)) files.set(k, v);
    else files.set(`${prefix}${name}`, readFileSync(full, 'utf8'));
  }
  return files;
}

const original = load(RECORD);
const packageJson = JSON.parse(original.get('election.json') as string) as { definition: unknown };
const opened = openRecordElection(packageJson);
if (!opened.ok) throw new Error(`the reference record's package does not open: ${opened.error.message}`);
const election: RecordElection = opened.value;
const electionId = election.definition.electionId;

function key(file: string) {
  const parsed = parseSignerKey(readFileSync(path.join(KEYS, file), 'utf8').trim());
  if (!parsed.ok) throw new Error(`${file}: not a signer key`);
  return parsed.value;
}
const VALIDATORS = ['validator-1', 'validator-2', 'validator-3'];

const entriesOf = (files: Files, stationId: string): string[] =>
  (files.get(`stations/${stationId}/ballots/entries.jsonl`) as string).slice(0, -1).split('\n');
const json = (text: string): Record<string, unknown> => JSON.parse(text) as Record<string, unknown>;

/** Recomputes every confirmation code of a ballot log in order (entries whose ballot does not parse are left alone). */
function rechain(stationId: string, entries: string[]): string[] {
  let code: ConfirmationCode = confirmationSeed(election.extendedBaseHash, stationId as StationId);
  return entries.map((text) => {
    const entry = json(text);
    if (entry['type'] !== 'ballot-pending' && entry['type'] !== 'ballot-challenged') return text;
    const ballot = parseEncryptedBallot(entry['ballot']);
    if (!ballot.ok) return text;
    code = nextConfirmationCode(code, ballot.value);
    return canonicalize({ ...entry, confirmationCode: toBase64Url(code) });
  });
}

/**
 * Writes a station's ballot log and a checkpoint over it signed by the station and
 * cosigned by `cosigners` (default: every validator).
 */
function writeLog(
  files: Files,
  stationId: string,
  entries: readonly string[],
  cosigners: readonly string[] = VALIDATORS,
): void {
  const dir = `stations/${stationId}/ballots`;
  files.set(`${dir}/entries.jsonl`, entries.map((e) => `${e}\n`).join(''));
  const station = key(`stations/${stationId}.key`);
  const root = rootOfEntries(
    entries.map((e) => utf8Encode(e)),
    sha256Hasher,
  );
  const checkpoint = {
    origin: stationOrigin(electionId, stationId as StationId, 'ballots'),
    size: entries.length,
    rootHash: root,
    extensions: [],
  };
  const signed = signCheckpoint(checkpoint, ed25519NoteSigner(station.name, station.secretKey));
  const body = signed.slice(0, signed.indexOf('\n\n') + 1);
  const lines = cosigners.map((name) => {
    const v = key(`validators/${name}.key`);
    return formatSignatureLine(cosign(body, ed25519Cosigner(v.name, v.secretKey), COSIGN_TIME));
  });
  files.set(`${dir}/checkpoint`, `${signed}${lines.join('')}`);
}

/** Replaces one entry of a station's log (by index), re-chains the codes unless told not to, re-signs. */
function editEntry(
  files: Files,
  stationId: string,
  index: number,
  edit: (entry: Record<string, unknown>) => Record<string, unknown>,
  options: { rechain?: boolean; canonical?: boolean } = {},
): void {
  const entries = entriesOf(files, stationId);
  const edited = edit(json(entries[index] as string));
  // Not canonical: the members in reverse order (still one line).
  entries[index] =
    options.canonical === false
      ? JSON.stringify(Object.fromEntries(Object.entries(edited).reverse()))
      : canonicalize(edited);
  writeLog(files, stationId, options.rechain === false ? entries : rechain(stationId, entries));
}

function indexOf(files: Files, stationId: string, predicate: (entry: Record<string, unknown>) => boolean): number {
  const i = entriesOf(files, stationId).findIndex((t) => predicate(json(t)));
  if (i < 0) throw new Error(`no such entry at ${stationId}`);
  return i;
}
const isType = (type: string) => (e: Record<string, unknown>) => e['type'] === type;

type Ballot = {
  ballotId: string;
  contests: {
    contestId: string;
    selections: {
      selectionId: string;
      alpha: string;
      beta: string;
      proof: { a: string; b: string; c: string; z: string }[];
    }[];
    proof: { a: string; b: string; c: string; z: string }[];
  }[];
};

function editJson(files: Files, file: string, edit: (value: Record<string, unknown>) => void): void {
  const value = json(files.get(file) as string);
  edit(value);
  files.set(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** A fresh, well-formed ballot for a station and style (deterministic). */
function freshBallot(
  stationId: string,
  styleId: string,
  ballotId: string,
  choices: Record<string, string[]>,
  manifest?: BallotManifest,
): Ballot {
  const m = manifest ?? election.manifests.get(styleId);
  if (m === undefined) throw new Error(`no ballot style ${styleId}`);
  const out = encryptBallot(
    election.context,
    m,
    { stationId, ballotStyleId: styleId },
    { ballotId: ballotId as BallotId, choices: choices as Record<string, SelectionId[]> },
    deterministicRandom(`spec-vectors/${ballotId}`),
  );
  if (!out.ok) throw new Error(`cannot encrypt ${ballotId}`);
  return encryptedBallotToRecord(out.value.ballot);
}

/** Flips the last base64 character's low bit in a signature line's signature (still valid base64, wrong signature). */
function breakSignatureLine(checkpoint: string, signer: string): string {
  return checkpoint
    .split('\n')
    .map((line) => {
      if (!line.startsWith(`— ${signer} `)) return line;
      const sig = fromBase64(line.slice(line.lastIndexOf(' ') + 1));
      sig[sig.length - 1] = (sig[sig.length - 1] as number) ^ 1;
      return `${line.slice(0, line.lastIndexOf(' ') + 1)}${toBase64(sig)}`;
    })
    .join('\n');
}

const L = (1n << 252n) + 27742317777372353535851937790883648493n;
function scalarText(n: bigint): string {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return toBase64Url(bytes);
}
function scalarOf(text: string): bigint {
  const bytes = fromBase64Url(text);
  let n = 0n;
  for (let i = 31; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}

/** `detail`: a text the failure message must contain. */
type Vector = {
  name: string;
  description: string;
  step: string;
  check: RecordCheck;
  detail?: string;
  mutate: (files: Files) => void;
};

const S1 = 'station-01';
const S2 = 'station-02';
const pendingAt = (files: Files, stationId: string) => indexOf(files, stationId, isType('ballot-pending'));

const NEGATIVE: Vector[] = [
  {
    name: 'package-tampered',
    step: 'V1',
    check: 'election-package',
    description: 'election.json: the title changed after the authority signed the base hash',
    mutate: (f) =>
      editJson(f, 'election.json', (p) => {
        ((p['definition'] as Record<string, Record<string, string>>)['title'] as Record<string, string>)['en'] =
          'Another election';
      }),
  },
  {
    name: 'spec-version-unknown',
    step: 'V1',
    check: 'election-package',
    detail: 'specVersion',
    description: 'election.json: the definition states a specification version this verifier does not implement',
    mutate: (f) =>
      editJson(f, 'election.json', (p) => {
        (p['definition'] as Record<string, unknown>)['specVersion'] = '9.9';
      }),
  },
  {
    name: 'ceremony-scalar-not-below-l',
    step: 'V2',
    check: 'ceremony-record',
    detail: 'not-a-scalar',
    description: 'guardians/key-ceremony.json: a coefficient proof response z encoded as z + L (not below L)',
    mutate: (f) =>
      editJson(f, 'guardians/key-ceremony.json', (c) => {
        const proof = (
          (c['guardians'] as Record<string, unknown>[])[0]?.['coefficientProofs'] as { z: string }[]
        )[0] as { z: string };
        const z = scalarOf(proof.z) + L;
        if (z >= 1n << 256n) throw new Error('z + L does not fit');
        proof.z = scalarText(z);
      }),
  },
  {
    name: 'ceremony-proof-wrong',
    step: 'V2',
    check: 'ceremony-record',
    description: "guardians/key-ceremony.json: a transport-key proof's z changed (z + 1)",
    mutate: (f) =>
      editJson(f, 'guardians/key-ceremony.json', (c) => {
        const g = (c['guardians'] as Record<string, { c: string; z: string }>[])[1] as Record<
          string,
          { c: string; z: string }
        >;
        const proof = g['transportKeyProof'] as { c: string; z: string };
        proof.z = scalarText((scalarOf(proof.z) + 1n) % L);
      }),
  },
  {
    name: 'joint-key-file',
    step: 'V3',
    check: 'ceremony-binding',
    description: 'guardians/joint-key is the generator, not the joint key the package names',
    mutate: (f) => f.set('guardians/joint-key', '4vKuCmq8TnGohKlhxQBRX1jjC2qlgt2NtqZZReCNLXY\n'),
  },
  {
    name: 'validator-key-swapped',
    step: 'V4',
    check: 'validator-key',
    description: "validators/validator-1.vkey holds validator-2's key",
    mutate: (f) => f.set('validators/validator-1.vkey', f.get('validators/validator-2.vkey') as string),
  },
  {
    name: 'station-manifest-tampered',
    step: 'V5',
    check: 'station-manifest',
    description: "station-manifest.json: the note's text edited (final yes → final no) after signing",
    mutate: (f) =>
      editJson(f, 'station-manifest.json', (m) => {
        m['note'] = (m['note'] as string).replace('final yes', 'final no');
      }),
  },
  {
    name: 'station-missing',
    step: 'V6',
    check: 'station-missing',
    description:
      'stations/station-02/ removed: a station the manifest lists is neither in the record nor declared not operated',
    mutate: (f) => {
      for (const k of [...f.keys()]) if (k.startsWith(`stations/${S2}/`)) f.delete(k);
    },
  },
  {
    name: 'station-not-listed',
    step: 'V6',
    check: 'station-not-listed',
    description: 'stations/station-99/ added: a folder for a station the manifest does not list',
    mutate: (f) => f.set('stations/station-99/station.vkey', f.get(`stations/${S1}/station.vkey`) as string),
  },
  {
    name: 'enrollment-other-station',
    step: 'V7',
    check: 'enrollment',
    description: "stations/station-01/enrollment.json is station-02's enrollment",
    mutate: (f) => f.set(`stations/${S1}/enrollment.json`, f.get(`stations/${S2}/enrollment.json`) as string),
  },
  {
    name: 'station-key-swapped',
    step: 'V8',
    check: 'station-key',
    description: "stations/station-01/station.vkey holds station-02's key",
    mutate: (f) => f.set(`stations/${S1}/station.vkey`, f.get(`stations/${S2}/station.vkey`) as string),
  },
  {
    name: 'checkpoint-signature-bad',
    step: 'V9',
    check: 'checkpoint-signature',
    description: "station-01's ballots checkpoint: the station's signature altered in its last bit",
    mutate: (f) =>
      f.set(
        `stations/${S1}/ballots/checkpoint`,
        breakSignatureLine(f.get(`stations/${S1}/ballots/checkpoint`) as string, `urna/${electionId}/${S1}`),
      ),
  },
  {
    name: 'cosignature-bad',
    step: 'V10',
    check: 'cosignature',
    description: "station-01's ballots checkpoint: validator-1's cosignature altered in its last bit",
    mutate: (f) =>
      f.set(
        `stations/${S1}/ballots/checkpoint`,
        breakSignatureLine(f.get(`stations/${S1}/ballots/checkpoint`) as string, 'validator-1'),
      ),
  },
  {
    name: 'fork',
    step: 'V10',
    check: 'cosignature',
    description:
      "fork: station-01 signs a second history of its ballot log (its last ballot voided instead of cast) and the record shows it with the validators' cosignatures of the first",
    mutate: (f) => {
      const oldLines = (f.get(`stations/${S1}/ballots/checkpoint`) as string)
        .split('\n')
        .filter((l) => l.startsWith('— validator-'));
      const entries = entriesOf(f, S1);
      const castIndex = entries.map((t) => json(t)).findLastIndex((e) => e['type'] === 'ballot-cast');
      const cast = json(entries[castIndex] as string);
      entries[castIndex] = canonicalize({
        type: 'ballot-voided',
        v: 1,
        ballotId: cast['ballotId'],
        reason: 'voter-left',
      });
      // polls-closed states one ballot fewer cast.
      const closed = json(entries[entries.length - 1] as string);
      entries[entries.length - 1] = canonicalize({ ...closed, ballotsCast: (closed['ballotsCast'] as number) - 1 });
      writeLog(f, S1, entries, []);
      f.set(
        `stations/${S1}/ballots/checkpoint`,
        `${f.get(`stations/${S1}/ballots/checkpoint`) as string}${oldLines.map((l) => `${l}\n`).join('')}`,
      );
    },
  },
  {
    name: 'cosignatures-too-few',
    step: 'V11',
    check: 'cosignature-threshold',
    description: "station-01's ballots checkpoint with only validator-1's cosignature (2 are needed)",
    mutate: (f) =>
      f.set(
        `stations/${S1}/ballots/checkpoint`,
        (f.get(`stations/${S1}/ballots/checkpoint`) as string)
          .split('\n')
          .filter((l) => !l.startsWith('— validator-2') && !l.startsWith('— validator-3'))
          .join('\n'),
      ),
  },
  {
    name: 'entry-removed',
    step: 'V12',
    check: 'log-root',
    description: "station-01's entries.jsonl without its last entry; the cosigned checkpoint unchanged",
    mutate: (f) => {
      const e = entriesOf(f, S1);
      f.set(
        `stations/${S1}/ballots/entries.jsonl`,
        e
          .slice(0, -1)
          .map((t) => `${t}\n`)
          .join(''),
      );
    },
  },
  {
    name: 'entry-not-canonical',
    step: 'V13',
    check: 'entry-schema',
    description:
      'station-01: the polls-opened entry is not canonical JSON (members in reverse order); checkpoint re-signed over it',
    mutate: (f) => editEntry(f, S1, 0, (e) => e, { canonical: false }),
  },
  {
    name: 'ballot-replayed-in-log',
    step: 'V13',
    check: 'ballot-id-reused',
    description:
      'station-01: its first pending ballot shown a second time later in the same log (a replay within the station)',
    mutate: (f) => {
      const e = entriesOf(f, S1);
      const i = pendingAt(f, S1);
      e.splice(e.length - 1, 0, e[i] as string);
      writeLog(f, S1, rechain(S1, e));
    },
  },
  {
    name: 'ballots-cast-miscounted',
    step: 'V13',
    check: 'ballots-cast-mismatch',
    description: 'station-01: polls-closed states one cast ballot more than the log holds',
    mutate: (f) => {
      const e = entriesOf(f, S1);
      editEntry(f, S1, e.length - 1, (x) => ({ ...x, ballotsCast: (x['ballotsCast'] as number) + 1 }));
    },
  },
  {
    name: 'polls-not-opened',
    step: 'V13',
    check: 'polls-not-open',
    description: 'station-01: the polls-opened entry removed (the log starts with a ballot)',
    mutate: (f) => {
      const e = entriesOf(f, S1);
      writeLog(f, S1, rechain(S1, e.slice(1)));
    },
  },
  {
    name: 'polls-resumed-first',
    step: 'V13',
    check: 'polls-transition',
    description: 'station-01: the log opens with polls-resumed instead of polls-opened',
    mutate: (f) => editEntry(f, S1, 0, (x) => ({ ...x, type: 'polls-resumed' })),
  },
  {
    name: 'ballot-style-other-precinct',
    step: 'V13',
    check: 'ballot-style',
    description: 'station-01 (precinct uik-1201): a pending ballot names style-district-1, a style of another precinct',
    mutate: (f) => editEntry(f, S1, pendingAt(f, S1), (x) => ({ ...x, ballotStyleId: 'style-district-1' })),
  },
  {
    name: 'cast-without-pending',
    step: 'V13',
    check: 'ballot-not-pending',
    description: 'station-01: a ballot-cast entry for a ballot id never shown',
    mutate: (f) => {
      const e = entriesOf(f, S1);
      e.splice(e.length - 1, 0, canonicalize({ type: 'ballot-cast', v: 1, ballotId: 'never-shown' }));
      writeLog(f, S1, e);
    },
  },
  {
    name: 'alpha-not-canonical',
    step: 'V13',
    check: 'ballot-record',
    detail: 'not-canonical',
    description: "station-01: a selection's alpha spelled with a non-canonical last base64url character (bad encoding)",
    mutate: (f) =>
      editEntry(
        f,
        S1,
        pendingAt(f, S1),
        (x) => {
          const b = x['ballot'] as Ballot;
          const s = b.contests[0]?.selections[0] as Ballot['contests'][number]['selections'][number];
          const last = s.alpha.at(-1) as string;
          const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
          s.alpha = s.alpha.slice(0, -1) + (alphabet[alphabet.indexOf(last) ^ 1] as string);
          return x;
        },
        { rechain: false },
      ),
  },
  {
    name: 'proof-scalar-not-below-l',
    step: 'V13',
    check: 'ballot-record',
    detail: 'not-a-scalar',
    description: "station-01: a selection proof's c encoded as c + L (a scalar not below L)",
    mutate: (f) =>
      editEntry(
        f,
        S1,
        pendingAt(f, S1),
        (x) => {
          const b = x['ballot'] as Ballot;
          const br = b.contests[0]?.selections[0]?.proof[0] as { c: string };
          const c = scalarOf(br.c) + L;
          if (c >= 1n << 256n) throw new Error('c + L does not fit');
          br.c = scalarText(c);
          return x;
        },
        { rechain: false },
      ),
  },
  {
    name: 'identity-alpha',
    step: 'V14',
    check: 'identity-ciphertext',
    detail: 'α the identity',
    description: "station-01: a selection's alpha is the identity (32 zero bytes), codes re-chained",
    mutate: (f) =>
      editEntry(f, S1, pendingAt(f, S1), (x) => {
        const b = x['ballot'] as Ballot;
        (b.contests[0]?.selections[0] as { alpha: string }).alpha = toBase64Url(new Uint8Array(32));
        return x;
      }),
  },
  {
    name: 'confirmation-code-wrong',
    step: 'V15',
    check: 'confirmation-code',
    description: "station-01: a pending ballot's confirmationCode is the previous link repeated",
    mutate: (f) =>
      editEntry(
        f,
        S1,
        pendingAt(f, S1),
        (x) => ({ ...x, confirmationCode: toBase64Url(confirmationSeed(election.extendedBaseHash, S1 as StationId)) }),
        { rechain: false },
      ),
  },
  {
    name: 'challenge-nonce-wrong',
    step: 'V16',
    check: 'challenge',
    description: "station-01: the challenged ballot's published master nonce changed",
    mutate: (f) =>
      editEntry(f, S1, indexOf(f, S1, isType('ballot-challenged')), (x) => ({
        ...x,
        challenge: {
          ...(x['challenge'] as Record<string, unknown>),
          masterNonce: toBase64Url(new Uint8Array(32).fill(7)),
        },
      })),
  },
  {
    name: 'challenge-sum-wrong',
    step: 'V17',
    check: 'ballot-proof',
    detail: 'selection-proof-challenge',
    description:
      "station-01: a selection proof's branch challenge c_0 replaced by c_0 + 1 (the challenges no longer sum to the transcript's)",
    mutate: (f) =>
      editEntry(f, S1, pendingAt(f, S1), (x) => {
        const b = x['ballot'] as Ballot;
        const br = b.contests[0]?.selections[0]?.proof[0] as { c: string };
        br.c = scalarText((scalarOf(br.c) + 1n) % L);
        return x;
      }),
  },
  {
    name: 'overvote',
    step: 'V17',
    check: 'ballot-proof',
    detail: 'contest-proof',
    description:
      'station-01: a vote-for-1 contest with two selections marked, each with a valid selection proof; its contest proof is the first two branches of a proof for limit 2',
    mutate: (f) =>
      editEntry(f, S1, pendingAt(f, S1), (x) => {
        const b = x['ballot'] as Ballot;
        const style = x['ballotStyleId'] as string;
        const manifest = election.manifests.get(style) as BallotManifest;
        const target = manifest.contests.find(
          (c) => c.limit === 1 && c.selections.length >= 2,
        ) as BallotManifest['contests'][number];
        const loose: BallotManifest = {
          contests: manifest.contests.map((c) => (c === target ? { ...c, limit: 2 } : c)),
        };
        const forged = freshBallot(
          S1,
          style,
          b.ballotId,
          { [target.contestId]: [target.selections[0] as string, target.selections[1] as string] },
          loose,
        );
        const i = b.contests.findIndex((c) => c.contestId === target.contestId);
        const contest = forged.contests[i] as Ballot['contests'][number];
        b.contests[i] = { ...contest, proof: contest.proof.slice(0, 2) };
        return x;
      }),
  },
  {
    name: 'cross-station-replay',
    step: 'V17',
    check: 'ballot-proof',
    detail: 'selection-proof-challenge',
    description:
      'station-02 shows a ballot of its own style that was encrypted and proved for station-01 (a ballot replayed from another station): its proofs are bound to station-01',
    mutate: (f) => {
      const style = json(entriesOf(f, S2)[pendingAt(f, S2)] as string)['ballotStyleId'] as string;
      const ballot = freshBallot(S1, style, 'replayed-from-station-01', {});
      const e = entriesOf(f, S2);
      e.splice(
        e.length - 1,
        0,
        canonicalize({
          type: 'ballot-pending',
          v: 1,
          ballotStyleId: style,
          ballot,
          confirmationCode: toBase64Url(new Uint8Array(32)),
        }),
      );
      writeLog(f, S2, rechain(S2, e));
    },
  },
  {
    name: 'enrollment-not-in-manifest',
    step: 'V18',
    check: 'station-manifest',
    description: "station-manifest.json re-signed by the authority listing station-01 with station-02's verifier key",
    mutate: (f) => {
      const trust = { definition: election.definition, baseHash: electionBaseHash(election.definition) };
      const manifest = verifyStationManifest(json(f.get('station-manifest.json') as string), trust);
      if (!manifest.ok) throw new Error('manifest');
      const stations = manifest.value.stations.map((s) =>
        s.stationId === S1
          ? {
              ...s,
              verifierKey: (manifest.value.stations.find((o) => o.stationId === S2) as { verifierKey: string })
                .verifierKey,
            }
          : s,
      );
      const authority = key('authority.key');
      const signed = signStationManifest(
        { manifestVersion: manifest.value.manifestVersion, final: true, stations },
        ed25519NoteSigner(authority.name, authority.secretKey),
        trust,
      );
      if (!signed.ok) throw new Error(signed.error);
      f.set('station-manifest.json', `${JSON.stringify(signed.value, null, 2)}\n`);
    },
  },
  {
    name: 'ballot-id-at-two-stations',
    step: 'V19',
    check: 'duplicate-ballot-id',
    description:
      "station-02 shows (and casts) a ballot, validly encrypted for station-02, under the ballot id of one of station-01's ballots",
    mutate: (f) => {
      const stolenId = (json(entriesOf(f, S1)[pendingAt(f, S1)] as string)['ballot'] as Ballot).ballotId;
      const style = json(entriesOf(f, S2)[pendingAt(f, S2)] as string)['ballotStyleId'] as string;
      const ballot = freshBallot(S2, style, stolenId, {});
      const e = entriesOf(f, S2);
      const closed = json(e.pop() as string);
      e.push(
        canonicalize({
          type: 'ballot-pending',
          v: 1,
          ballotStyleId: style,
          ballot,
          confirmationCode: toBase64Url(new Uint8Array(32)),
        }),
      );
      e.push(canonicalize({ type: 'ballot-cast', v: 1, ballotId: stolenId }));
      e.push(canonicalize({ ...closed, ballotsCast: (closed['ballotsCast'] as number) + 1 }));
      writeLog(f, S2, rechain(S2, e));
    },
  },
  {
    name: 'polls-left-open',
    step: 'V20',
    check: 'polls-not-closed',
    description: 'a tallied record whose station-01 ballot log ends without polls-closed (re-signed without it)',
    mutate: (f) => writeLog(f, S1, entriesOf(f, S1).slice(0, -1)),
  },
  {
    name: 'encrypted-totals-swapped',
    step: 'V21',
    check: 'encrypted-totals',
    description: 'tally/encrypted-totals.json: the ciphertexts of the first two selections of station-01 swapped',
    mutate: (f) =>
      editJson(f, 'tally/encrypted-totals.json', (t) => {
        const sel = (t['stations'] as { tally: { contests: { selections: { alpha: string; beta: string }[] }[] } }[])[0]
          ?.tally.contests[0]?.selections as { alpha: string; beta: string }[];
        const [a, b] = [sel[0], sel[1]] as [{ alpha: string; beta: string }, { alpha: string; beta: string }];
        [a.alpha, b.alpha, a.beta, b.beta] = [b.alpha, a.alpha, b.beta, a.beta];
      }),
  },
  {
    name: 'partial-decryption-bad',
    step: 'V22',
    check: 'partial-decryption-proof',
    description:
      "tally/shares/guardian-1.json: the first share of the first unit replaced by the second's (bad partial decryption)",
    mutate: (f) =>
      editJson(f, 'tally/shares/guardian-1.json', (s) => {
        const shares = (s['units'] as { partial: { shares: { share: string }[] } }[])[0]?.partial.shares as {
          share: string;
        }[];
        (shares[0] as { share: string }).share = (shares[1] as { share: string }).share;
      }),
  },
  {
    name: 'share-missing',
    step: 'V23',
    check: 'too-few-guardians',
    description: 'tally/shares/guardian-3.json removed: one guardian share, the threshold is 2',
    mutate: (f) => f.delete('tally/shares/guardian-3.json'),
  },
  {
    name: 'results-count-changed',
    step: 'V24',
    check: 'results',
    description: 'results.json: the first selection count of the overall result increased by one',
    mutate: (f) =>
      editJson(f, 'results.json', (r) => {
        const s = (r['overall'] as { contests: { selections: { count: number }[] }[] }).contests[0]?.selections[0] as {
          count: number;
        };
        s.count += 1;
      }),
  },
  {
    name: 'results-nist-count-changed',
    step: 'V25',
    check: 'results-nist',
    description: 'results.nist.json: the first vote count of the first contest increased by one',
    mutate: (f) =>
      editJson(f, 'results.nist.json', (r) => {
        const contest = (
          r['Election'] as { Contest: { ContestSelection: { VoteCounts: { Count: number }[] }[] }[] }[]
        )[0]?.Contest[0] as { ContestSelection: { VoteCounts: { Count: number }[] }[] };
        (contest.ContestSelection[0]?.VoteCounts[0] as { Count: number }).Count += 1;
      }),
  },
];

const TALLY_FILES = (f: Files) =>
  [...f.keys()].filter((k) => k.startsWith('tally/') || k === 'results.json' || k === 'results.nist.json');

type StageVector = { name: string; description: string; stage: string; mutate: (files: Files) => void };
const STAGES: StageVector[] = [
  {
    name: 'stage-voting',
    stage: 'voting',
    description:
      "during voting: no tally files, and station-01's ballot log (re-signed, cosigned) still open, ending before polls-closed",
    mutate: (f) => {
      for (const k of TALLY_FILES(f)) f.delete(k);
      writeLog(f, S1, entriesOf(f, S1).slice(0, -1));
    },
  },
  {
    name: 'stage-polls-closed',
    stage: 'polls-closed',
    description: 'after the polls closed: every log closed, no tally files yet',
    mutate: (f) => {
      for (const k of TALLY_FILES(f)) f.delete(k);
    },
  },
];

type Change = { readonly path: string; readonly content?: string; readonly delete?: true };
function changesOf(mutated: Files): Change[] {
  const changes: Change[] = [];
  for (const [k, v] of mutated) if (original.get(k) !== v) changes.push({ path: k, content: v });
  for (const k of original.keys()) if (!mutated.has(k)) changes.push({ path: k, delete: true });
  return changes.sort((a, b) => (a.path < b.path ? -1 : 1));
}

function write(dir: string, name: string, body: Record<string, unknown>, mutate: (f: Files) => void): void {
  const files = new Map(original);
  mutate(files);
  writeFileSync(
    path.join(dir, `${name}.json`),
    `${JSON.stringify({ name, ...body, changes: changesOf(files) }, null, 1)}\n`,
  );
}

for (const sub of ['negative', 'stages']) {
  rmSync(path.join(VECTORS, sub), { recursive: true, force: true });
  mkdirSync(path.join(VECTORS, sub));
}
for (const v of NEGATIVE) {
  if (stepOfFailure({ check: v.check, message: '' }) !== v.step && v.check !== 'station-manifest')
    throw new Error(`${v.name}: ${v.check} is not step ${v.step}`);
  write(
    path.join(VECTORS, 'negative'),
    v.name,
    {
      description: v.description,
      step: v.step,
      check: v.check,
      ...(v.detail === undefined ? {} : { detail: v.detail }),
    },
    v.mutate,
  );
}
for (const v of STAGES)
  write(path.join(VECTORS, 'stages'), v.name, { description: v.description, stage: v.stage }, v.mutate);
process.stdout.write(`${NEGATIVE.length} negative and ${STAGES.length} stage vectors written under ${VECTORS}\n`);
