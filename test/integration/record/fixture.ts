/**
 * A real election run, on disk, for the record tools: a real key ceremony (4
 * guardians, any 3 decrypt), the sample definition signed by the authority, three
 * enrolled stations recording real encrypted ballots in their ledgers (casts, a
 * challenge, a voided ballot), three validator processes (`urna validator start`)
 * that the stations' sync clients push to until every validator has cosigned both
 * logs. It reuses the validator tests' station writer and process wrapper.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  createElectionContext,
  guardianKeyShareToRecord,
  keyCeremonyToRecord,
  recordToCanonicalJson,
  runLocalCeremony,
  type GuardianKeyShare,
} from '../../../core/ballot';
import { canonicalBytes } from '../../../core/encoding/canonical-json';
import { sha256 } from '../../../core/encoding/hash';
import { utf8Encode } from '../../../core/encoding/bytes';
import { enrollStation } from '../../../core/election/enrollment';
import { electionExtendedBaseHash, serializeElectionPackage, signElectionPackage } from '../../../core/election/package';
import { sampleElectionDefinition } from '../../../core/election/sample';
import type { GuardianId, PrecinctId, SelectionId, StationId } from '../../../core/ids';
import { stationKeyName } from '../../../core/ledger/checkpoint';
import { ed25519NoteSigner, formatSignerKey, formatVerifierKey, SIGNATURE_TYPE_COSIGNATURE_V1, SIGNATURE_TYPE_ED25519 } from '../../../core/ledger/note';
import { ceremonyRecordHash } from '../../../core/record/election';
import { silentLogger } from '../../../core/logging';
import type { LedgerSigner } from '../../../main/ledger/store';
import { SyncClient, validatorsOf } from '../../../main/sync/sync-client';
import { waitFor } from '../sync/support';
import { BallotWriter, seedFor, ValidatorProcess, type TestElection, type TestValidator } from '../validator/fixture';

export type StationPlan = { readonly id: string; readonly precinct: string; readonly cast: number; readonly challenged: number; readonly voided: number };

export type RecordRun = {
  readonly dir: string;
  readonly election: TestElection;
  readonly guardianFiles: readonly string[];
  readonly ceremonyDir: string;
  readonly urls: readonly string[];
  /** Expected per-station counts: contest → selection → count, from the choices the stations encrypted. */
  readonly expected: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, number>>>;
  readonly processes: readonly ValidatorProcess[];
  stop(): Promise<void>;
};

export const DEFAULT_STATIONS: readonly StationPlan[] = [
  { id: 'station-1', precinct: 'uik-1201', cast: 8, challenged: 1, voided: 1 },
  { id: 'station-2', precinct: 'uik-1201', cast: 5, challenged: 0, voided: 0 },
  { id: 'station-3', precinct: 'uik-1202', cast: 6, challenged: 1, voided: 0 },
];

export function runUrna(args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.resolve('bin/urna.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 120_000 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** The test election with a real ceremony behind its joint key. */
function makeElection(label: string, stations: readonly StationPlan[]): { election: TestElection; guardianFiles: string[]; ceremonyDir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'urna-record-'));
  const ceremonyBase = sha256(canonicalBytes({ domain: 'urna/ceremony-base/v1', electionId: 'svetlogorye-2026-09' }));
  const guardianIds = ['guardian-1', 'guardian-2', 'guardian-3', 'guardian-4'] as GuardianId[];
  const outcome = runLocalCeremony({ baseHash: ceremonyBase, guardianIds, threshold: 3 });
  if (!outcome.ok) throw new Error(`ceremony: ${JSON.stringify(outcome.error)}`);
  const ceremonyDir = path.join(dir, 'ceremony');
  mkdirSync(ceremonyDir);
  const ceremonyText = `${recordToCanonicalJson(keyCeremonyToRecord(outcome.value.record))}\n`;
  writeFileSync(path.join(ceremonyDir, 'key-ceremony.json'), ceremonyText);
  const guardianFiles = outcome.value.keyShares.map((share: GuardianKeyShare) => {
    const file = path.join(ceremonyDir, `${share.guardianId}.secret.json`);
    writeFileSync(file, `${recordToCanonicalJson(guardianKeyShareToRecord(share))}\n`, { mode: 0o600 });
    return file;
  });

  const authority = ed25519NoteSigner('svetlogorye-commission', seedFor(`${label}/authority`));
  const authorityVerifierKey = formatVerifierKey(authority.name, SIGNATURE_TYPE_ED25519, authority.publicKey);
  const validatorSeeds = [1, 2, 3].map((i) => ({ name: `validator-${i}`, seed: seedFor(`${label}/validator/${i}`) }));
  const definition = sampleElectionDefinition({
    authorityVerifierKey,
    pollWorkerCardIssuerKey: formatVerifierKey('svetlogorye-cards', SIGNATURE_TYPE_ED25519, ed25519.getPublicKey(seedFor(`${label}/cards`))),
    validators: validatorSeeds.map((v, i) => ({ name: v.name, verifierKey: formatVerifierKey(v.name, SIGNATURE_TYPE_COSIGNATURE_V1, ed25519.getPublicKey(v.seed)), url: `http://validator-${i + 1}.invalid/` })),
    jointPublicKey: outcome.value.record.jointKey.toBase64Url(),
    ceremonyRecordHash: ceremonyRecordHash(JSON.parse(ceremonyText)),
    guardians: { count: 4, threshold: 3 },
  });
  if (!definition.ok) throw new Error(`definition: ${JSON.stringify(definition.error)}`);
  const signed = signElectionPackage(definition.value, authority);
  if (!signed.ok) throw new Error('package');
  const packageFile = path.join(dir, 'election.json');
  writeFileSync(packageFile, serializeElectionPackage(signed.value));
  const authorityKeyFile = path.join(dir, 'authority.vkey');
  writeFileSync(authorityKeyFile, `${authorityVerifierKey}\n`);
  const electionId = definition.value.electionId;

  mkdirSync(path.join(dir, 'enrollments'));
  const specs = stations.map(({ id, precinct }) => {
    const stationId = id as StationId;
    const note = ed25519NoteSigner(stationKeyName(electionId, stationId), seedFor(`${label}/station/${id}`));
    const signer: LedgerSigner = { ...note, verifierKey: formatVerifierKey(note.name, SIGNATURE_TYPE_ED25519, note.publicKey) };
    const enrollment = enrollStation({ electionId, stationId, precinctId: precinct as PrecinctId, stationVerifierKey: signer.verifierKey }, authority, definition.value);
    if (!enrollment.ok) throw new Error('enrollment');
    writeFileSync(path.join(dir, 'enrollments', `${id}.json`), JSON.stringify(enrollment.value));
    return { stationId, precinctId: precinct as PrecinctId, signer };
  });
  const validators: TestValidator[] = validatorSeeds.map(({ name, seed }) => {
    const keyFile = path.join(dir, 'validators', `${name}.key`);
    mkdirSync(path.dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, `${formatSignerKey(name, SIGNATURE_TYPE_COSIGNATURE_V1, seed)}\n`, { mode: 0o600 });
    return {
      name,
      verifierKey: formatVerifierKey(name, SIGNATURE_TYPE_COSIGNATURE_V1, ed25519.getPublicKey(seed)),
      keyFile,
      configFile: path.join(dir, 'validators', `${name}.json`),
      dataDir: path.join(dir, 'validators', `${name}-data`),
    };
  });
  const extendedBaseHash = electionExtendedBaseHash(definition.value);
  const election: TestElection = {
    dir,
    definition: definition.value,
    packageFile,
    authorityKeyFile,
    validators,
    stations: specs,
    context: createElectionContext(extendedBaseHash, outcome.value.record.jointKey),
    extendedBaseHash,
    threshold: definition.value.validators.threshold,
    writeConfig(validator, port) {
      const config = {
        name: validator.name,
        keyFile: validator.keyFile,
        listen: { host: '127.0.0.1', port },
        dataDir: validator.dataDir,
        electionPackage: packageFile,
        authorityKey: authorityKeyFile,
        enrollments: [path.join(dir, 'enrollments')],
        limits: { ratePerSecond: 100_000, rateBurst: 100_000 },
      };
      writeFileSync(validator.configFile, JSON.stringify(config, null, 2));
      return validator.configFile;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  return { election, guardianFiles, ceremonyDir };
}

/** Records every planned ballot, closes the polls, syncs to all validators. */
export async function runElection(label: string, stations: readonly StationPlan[] = DEFAULT_STATIONS): Promise<RecordRun> {
  const { election, guardianFiles, ceremonyDir } = makeElection(label, stations);
  const processes = election.validators.map((v) => new ValidatorProcess(election.writeConfig(v, 0)));
  const urls = await Promise.all(processes.map((p) => p.start()));
  const urlByName = Object.fromEntries(election.validators.map((v, i) => [v.name, urls[i] as string]));
  const expected = new Map<string, Map<string, Map<string, number>>>();

  for (const [i, plan] of stations.entries()) {
    const spec = election.stations[i];
    if (spec === undefined) throw new Error('station');
    const writer = BallotWriter.open(election, spec, path.join(election.dir, 'stations', plan.id));
    const counts = new Map<string, Map<string, number>>();
    for (const contest of writer.manifest.contests) counts.set(contest.contestId, new Map(contest.selections.map((s) => [s as string, 0])));
    let serial = 0;
    const noteCast = () => {
      for (const contest of writer.manifest.contests) {
        const selection = contest.selections[serial % contest.selections.length] as SelectionId;
        const map = counts.get(contest.contestId) as Map<string, number>;
        map.set(selection, (map.get(selection) ?? 0) + 1);
      }
    };
    writer.openPolls();
    for (let b = 0; b < plan.cast; b++) {
      noteCast();
      writer.castBallot();
      serial++;
      if (b === 1) {
        for (let c = 0; c < plan.challenged; c++) {
          writer.challengeBallot();
          serial++;
        }
        for (let v = 0; v < plan.voided; v++) {
          const pending = writer.pendingEntry();
          serial++;
          writer.append('ballots', pending.entry);
          writer.append('ballots', { type: 'ballot-voided', v: 1, ballotId: pending.ballot.ballotId, reason: 'not-printed' });
        }
      }
    }
    writer.closePolls();
    expected.set(plan.id, counts);

    const client = new SyncClient({
      source: writer.ledger,
      validators: validatorsOf(election.definition, urlByName),
      threshold: election.threshold,
      dataDir: path.join(election.dir, 'stations', plan.id),
      logger: silentLogger,
      batchSize: 64,
      requestTimeoutMs: 10_000,
      backoff: { initialMs: 20, maxMs: 200 },
      pollMs: 50,
    });
    client.start();
    await waitFor(`every validator cosigned ${plan.id}`, () =>
      client.status().validators.every((v) => v.cosigned.ballots === writer.ledger.size('ballots') && v.cosigned.pollbook === writer.ledger.size('pollbook')),
    60_000);
    await client.stop();
    writer.close();
  }
  return {
    dir: election.dir,
    election,
    guardianFiles,
    ceremonyDir,
    urls,
    expected,
    processes,
    stop: async () => {
      await Promise.all(processes.map((p) => p.stop()));
    },
  };
}

/** The bytes of a file with one character replaced at `position` (a different base64url character). */
export function flipCharacter(text: string, position: number): string {
  const old = text[position] ?? 'A';
  const replacement = old === 'A' ? 'B' : 'A';
  return `${text.slice(0, position)}${replacement}${text.slice(position + 1)}`;
}

export const utf8 = (s: string): Uint8Array => utf8Encode(s);
