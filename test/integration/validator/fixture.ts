/**
 * A complete test election on disk: the sample definition with N validators (their
 * cosignature keys, mode 0600), a signed package, the pinned authority key, enrolled
 * stations with their own ledgers, and one config file per validator. Stations
 * record real encrypted ballots through the real LedgerStore.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import {
  confirmationSeed,
  createElectionContext,
  encryptBallot,
  encryptedBallotToRecord,
  challengedBallotToRecord,
  GENERATOR,
  GroupElement,
  mod,
  nextConfirmationCode,
  type BallotId,
  type BallotManifest,
  type ConfirmationCode,
  type ElectionContext,
  type EncryptedBallot,
} from '../../../core/ballot';
import { toBase64Url, utf8Encode, type Bytes } from '../../../core/encoding/bytes';
import { sha256 } from '../../../core/encoding/hash';
import type { ElectionDefinition } from '../../../core/election/definition';
import { enrollStation } from '../../../core/election/enrollment';
import { toBallotManifest } from '../../../core/election/manifest';
import {
  CEREMONY_PLACEHOLDER_HASH,
  CEREMONY_PLACEHOLDER_KEY,
  electionBaseHash,
  electionCeremonyBaseHash,
  electionExtendedBaseHash,
  serializeElectionPackage,
  signElectionPackage,
} from '../../../core/election/package';
import { signStationManifest } from '../../../core/election/station-manifest';
import { sampleElectionDefinition } from '../../../core/election/sample';
import type { LogKind, PrecinctId, SelectionId, StationId } from '../../../core/ids';
import { stationKeyName } from '../../../core/ledger/checkpoint';
import type { LedgerEntry } from '../../../core/ledger/entries';
import {
  ed25519NoteSigner,
  formatSignerKey,
  formatVerifierKey,
  parseVerifierKey,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  SIGNATURE_TYPE_ED25519,
} from '../../../core/ledger/note';
import { electionEntryRegistry } from '../../../core/ledger/station-entries';
import type { EntriesRequest } from '../../../core/ledger/witness-protocol';
import { describeLedgerError, LedgerStore, type LedgerSigner } from '../../../main/ledger/store';

export function seedFor(label: string): Uint8Array {
  return sha256(utf8Encode(`urna-validator-test/${label}`));
}

export type TestValidator = {
  readonly name: string;
  readonly verifierKey: string;
  readonly keyFile: string;
  readonly configFile: string;
  readonly dataDir: string;
};

export type TestStationSpec = {
  readonly stationId: StationId;
  readonly precinctId: PrecinctId;
  readonly signer: LedgerSigner;
};

export type TestElection = {
  readonly dir: string;
  readonly definition: ElectionDefinition;
  readonly packageFile: string;
  readonly authorityKeyFile: string;
  /** The authority's signing key (mode 0600), for the `urna station` commands. */
  readonly authoritySignerKeyFile: string;
  /** The authority's signed list of every station of `stations` (version 1). */
  readonly stationManifestFile: string;
  readonly validators: readonly TestValidator[];
  readonly stations: readonly TestStationSpec[];
  readonly context: ElectionContext;
  readonly extendedBaseHash: Uint8Array;
  readonly threshold: number;
  writeConfig(validator: TestValidator, port: number, limits?: Record<string, number>): string;
  cleanup(): void;
};

/** The guardians an election names: by default 2 of 3 behind a joint key made from a seed, with no ceremony behind it. */
export type TestGuardians = {
  readonly jointKey: GroupElement;
  readonly ceremonyRecordHash: string;
  readonly count: number;
  readonly threshold: number;
};

function seededGuardians(label: string): TestGuardians {
  const secret = mod(bytesToNumberBE(seedFor(`${label}/joint-secret`)));
  return {
    jointKey: GroupElement.of(GENERATOR.multiply(secret)),
    ceremonyRecordHash: toBase64Url(seedFor(`${label}/ceremony`)),
    count: 3,
    threshold: 2,
  };
}

/** A key ceremony the fixture holds once it knows what the ceremony is bound to. */
export type CeremonyToHold = {
  readonly count: number;
  readonly threshold: number;
  hold(ceremonyBaseHash: Bytes): TestGuardians;
};

export function makeTestElection(options: {
  readonly validators: number;
  readonly stations?: readonly { id: string; precinct: string }[];
  readonly label?: string;
  /** The guardians, or a key ceremony to hold for the definition's ceremony base hash. */
  readonly guardians?: TestGuardians | CeremonyToHold;
  /** The package's minimum count for published totals; 1 (every station alone) unless a test is about merging. */
  readonly minimumPublishedCount?: number;
  /** Each validator's address as the package lists it (default: an unreachable http://validator-N.invalid/). */
  readonly validatorUrls?: readonly string[];
}): TestElection {
  const label = options.label ?? 'election';
  const dir = mkdtempSync(path.join(tmpdir(), 'urna-validators-'));
  const authority = ed25519NoteSigner('svetlogorye-commission', seedFor(`${label}/authority`));
  const authorityVerifierKey = formatVerifierKey(authority.name, SIGNATURE_TYPE_ED25519, authority.publicKey);
  const validatorSeeds = Array.from({ length: options.validators }, (_, i) => ({
    name: `validator-${i + 1}`,
    seed: seedFor(`${label}/validator/${i}`),
  }));
  const definitionWith = (g: {
    jointPublicKey: string;
    ceremonyRecordHash: string;
    count: number;
    threshold: number;
  }) =>
    sampleElectionDefinition({
      authorityVerifierKey,
      pollWorkerCardIssuerKey: formatVerifierKey(
        'svetlogorye-cards',
        SIGNATURE_TYPE_ED25519,
        ed25519.getPublicKey(seedFor(`${label}/cards`)),
      ),
      validators: validatorSeeds.map((v, i) => ({
        name: v.name,
        verifierKey: formatVerifierKey(v.name, SIGNATURE_TYPE_COSIGNATURE_V1, ed25519.getPublicKey(v.seed)),
        url: options.validatorUrls?.[i] ?? `http://validator-${i + 1}.invalid/`,
      })),
      jointPublicKey: g.jointPublicKey,
      ceremonyRecordHash: g.ceremonyRecordHash,
      guardians: { count: g.count, threshold: g.threshold },
      minimumPublishedCount: options.minimumPublishedCount ?? 1,
    });
  let guardians: TestGuardians;
  if (options.guardians !== undefined && 'hold' in options.guardians) {
    const { count, threshold } = options.guardians;
    const draft = definitionWith({
      jointPublicKey: CEREMONY_PLACEHOLDER_KEY,
      ceremonyRecordHash: CEREMONY_PLACEHOLDER_HASH,
      count,
      threshold,
    });
    if (!draft.ok) throw new Error(`sample definition: ${JSON.stringify(draft.error)}`);
    guardians = options.guardians.hold(electionCeremonyBaseHash(draft.value));
  } else guardians = options.guardians ?? seededGuardians(label);
  const definition = definitionWith({
    jointPublicKey: guardians.jointKey.toBase64Url(),
    ceremonyRecordHash: guardians.ceremonyRecordHash,
    count: guardians.count,
    threshold: guardians.threshold,
  });
  if (!definition.ok) throw new Error(`sample definition: ${JSON.stringify(definition.error)}`);
  const signed = signElectionPackage(definition.value, authority);
  if (!signed.ok) throw new Error('package signing failed');
  const packageFile = path.join(dir, 'election.json');
  writeFileSync(packageFile, serializeElectionPackage(signed.value));
  const authorityKeyFile = path.join(dir, 'authority.vkey');
  writeFileSync(authorityKeyFile, `${authorityVerifierKey}\n`);

  const electionId = definition.value.electionId;
  const stationSpecs = options.stations ?? [
    { id: 'station-1', precinct: 'uik-1201' },
    { id: 'station-2', precinct: 'uik-1201' },
  ];
  mkdirSync(path.join(dir, 'enrollments'));
  const stations = stationSpecs.map(({ id, precinct }) => {
    const stationId = id as StationId;
    const note = ed25519NoteSigner(stationKeyName(electionId, stationId), seedFor(`${label}/station/${id}`));
    const signer: LedgerSigner = {
      ...note,
      verifierKey: formatVerifierKey(note.name, SIGNATURE_TYPE_ED25519, note.publicKey),
    };
    const enrollment = enrollStation(
      { electionId, stationId, precinctId: precinct as PrecinctId, stationVerifierKey: signer.verifierKey },
      authority,
      definition.value,
    );
    if (!enrollment.ok) throw new Error(`enrollment: ${JSON.stringify(enrollment.error)}`);
    writeFileSync(path.join(dir, 'enrollments', `${id}.json`), JSON.stringify(enrollment.value));
    return { stationId, precinctId: precinct as PrecinctId, signer };
  });
  const authoritySignerKeyFile = path.join(dir, 'authority.key');
  writeFileSync(
    authoritySignerKeyFile,
    `${formatSignerKey(authority.name, SIGNATURE_TYPE_ED25519, seedFor(`${label}/authority`))}\n`,
    { mode: 0o600 },
  );
  const manifest = signStationManifest(
    {
      manifestVersion: 1,
      final: true,
      stations: stations.map((s) => ({
        stationId: s.stationId,
        precinctId: s.precinctId,
        verifierKey: s.signer.verifierKey,
      })),
    },
    authority,
    { definition: definition.value, baseHash: electionBaseHash(definition.value) },
  );
  if (!manifest.ok) throw new Error(`station manifest: ${manifest.error}`);
  const stationManifestFile = path.join(dir, 'station-manifest.json');
  writeFileSync(stationManifestFile, `${JSON.stringify(manifest.value, null, 2)}\n`);

  const validators = validatorSeeds.map(({ name, seed }) => {
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
  return {
    dir,
    definition: definition.value,
    packageFile,
    authorityKeyFile,
    authoritySignerKeyFile,
    stationManifestFile,
    validators,
    stations,
    context: createElectionContext(extendedBaseHash, guardians.jointKey),
    extendedBaseHash,
    threshold: definition.value.validators.threshold,
    writeConfig(validator, port, limits) {
      const config = {
        name: validator.name,
        keyFile: validator.keyFile,
        listen: { host: '127.0.0.1', port },
        dataDir: validator.dataDir,
        electionPackage: packageFile,
        authorityKey: authorityKeyFile,
        enrollments: [path.join(dir, 'enrollments')],
        limits: { ratePerSecond: 100_000, rateBurst: 100_000, ...(limits ?? {}) },
      };
      writeFileSync(validator.configFile, JSON.stringify(config, null, 2));
      return validator.configFile;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A station recording real ballots: its ledger plus the confirmation-code chain it keeps in memory. */
export class BallotWriter {
  private chain: ConfirmationCode;
  private serial = 0;
  private cast = 0;
  private checkIns = 0;
  private reissued = 0;
  readonly manifest: BallotManifest;
  readonly ballotStyleId: string;

  constructor(
    readonly election: TestElection,
    readonly station: TestStationSpec,
    readonly ledger: LedgerStore,
  ) {
    this.chain = confirmationSeed(election.extendedBaseHash, station.stationId);
    const style = election.definition.ballotStyles.find((s) => s.precinctIds.includes(station.precinctId));
    if (style === undefined) throw new Error('no style');
    this.ballotStyleId = style.id;
    const manifest = toBallotManifest(election.definition, style.id);
    if (!manifest.ok) throw new Error('manifest');
    this.manifest = manifest.value;
  }

  static open(election: TestElection, station: TestStationSpec, directory: string): BallotWriter {
    const ledger = LedgerStore.open({
      directory,
      electionId: election.definition.electionId,
      stationId: station.stationId,
      signer: station.signer,
      registry: electionEntryRegistry,
    });
    if (!ledger.ok) throw new Error(describeLedgerError(ledger.error));
    return new BallotWriter(election, station, ledger.value);
  }

  append(log: LogKind, entry: LedgerEntry): void {
    const receipt = this.ledger.append(log, entry);
    if (!receipt.ok) throw new Error(`append: ${describeLedgerError(receipt.error)}`);
  }

  openPolls(): void {
    this.append('ballots', { type: 'polls-opened', v: 1, ballotsCast: this.cast });
    this.append('pollbook', { type: 'pollbook-opened', v: 2, checkIns: this.checkIns, ballotsReissued: this.reissued });
  }

  closePolls(): void {
    this.append('ballots', { type: 'polls-closed', v: 1, ballotsCast: this.cast });
    this.append('pollbook', { type: 'pollbook-closed', v: 2, checkIns: this.checkIns, ballotsReissued: this.reissued });
  }

  /** Encrypts a ballot and makes its pending entry; does not append. */
  pendingEntry(choiceIndex = this.serial): {
    entry: LedgerEntry;
    ballot: EncryptedBallot;
    masterNonce: Uint8Array;
    code: ConfirmationCode;
  } {
    const ballotId =
      `${this.station.stationId}-b${this.serial++}-${toBase64Url(seedFor(`${this.station.stationId}/${this.serial}/${Math.random()}`)).slice(0, 8)}` as BallotId;
    const choices: Record<string, SelectionId[]> = {};
    for (const contest of this.manifest.contests) {
      choices[contest.contestId] = [contest.selections[choiceIndex % contest.selections.length] as SelectionId];
    }
    const encrypted = encryptBallot(
      this.election.context,
      this.manifest,
      { stationId: this.station.stationId, ballotStyleId: this.ballotStyleId },
      { ballotId, choices },
    );
    if (!encrypted.ok) throw new Error(`encrypt: ${JSON.stringify(encrypted.error)}`);
    const code = nextConfirmationCode(this.chain, encrypted.value.ballot);
    this.chain = code;
    return {
      entry: {
        type: 'ballot-pending',
        v: 1,
        ballotStyleId: this.ballotStyleId,
        ballot: encryptedBallotToRecord(encrypted.value.ballot),
        confirmationCode: toBase64Url(code),
      },
      ballot: encrypted.value.ballot,
      masterNonce: encrypted.value.masterNonce,
      code,
    };
  }

  /**
   * Check-in, pending, cast for an encrypted ballot made elsewhere (another
   * station's, or forged), its confirmation code chained on this station's: what an
   * insider holding this station's key can write. Returns the pending entry's index.
   */
  castEncrypted(ballot: EncryptedBallot, voterLabel = `voter-${this.station.stationId}-${this.serial++}`): number {
    this.append('pollbook', {
      type: 'check-in',
      v: 1,
      voterHash: BallotWriter.voterHash(voterLabel),
      precinctId: this.station.precinctId,
      ballotStyleId: this.ballotStyleId,
      activation: 'kiosk',
    });
    this.checkIns += 1;
    const code = nextConfirmationCode(this.chain, ballot);
    this.chain = code;
    const index = this.ledger.size('ballots');
    this.append('ballots', {
      type: 'ballot-pending',
      v: 1,
      ballotStyleId: this.ballotStyleId,
      ballot: encryptedBallotToRecord(ballot),
      confirmationCode: toBase64Url(code),
    });
    this.append('ballots', { type: 'ballot-cast', v: 1, ballotId: ballot.ballotId });
    this.cast += 1;
    return index;
  }

  /** The keyed hash a check-in or reissue records for the voter labelled so. */
  static voterHash(voterLabel: string): string {
    return toBase64Url(seedFor(`voter/${voterLabel}`));
  }

  /** Check-in, pending, cast: one voter. Returns the confirmation code. */
  castBallot(voterLabel = `voter-${this.station.stationId}-${this.serial}`): string {
    this.append('pollbook', {
      type: 'check-in',
      v: 1,
      voterHash: BallotWriter.voterHash(voterLabel),
      precinctId: this.station.precinctId,
      ballotStyleId: this.ballotStyleId,
      activation: 'kiosk',
    });
    this.checkIns += 1;
    const pending = this.pendingEntry();
    this.append('ballots', pending.entry);
    this.append('ballots', { type: 'ballot-cast', v: 1, ballotId: pending.ballot.ballotId });
    this.cast += 1;
    return toBase64Url(pending.code);
  }

  /** The poll book's record of a new ballot for a voter (by hash) whose ballot was voided; the ballot itself is another castBallot's business. */
  reissueBallot(voterHash: string): void {
    this.append('pollbook', {
      type: 'ballot-reissued',
      v: 1,
      voterHash,
      precinctId: this.station.precinctId,
      ballotStyleId: this.ballotStyleId,
      activation: 'kiosk',
    });
    this.reissued += 1;
  }

  challengeBallot(): string {
    const pending = this.pendingEntry();
    const challenge = challengedBallotToRecord({
      ballotId: pending.ballot.ballotId,
      choices: this.choicesOf(this.serial - 1),
      masterNonce: pending.masterNonce,
    });
    this.append('ballots', { ...pending.entry, type: 'ballot-challenged', challenge });
    return toBase64Url(pending.code);
  }

  private choicesOf(choiceIndex: number): Record<string, SelectionId[]> {
    const choices: Record<string, SelectionId[]> = {};
    for (const contest of this.manifest.contests)
      choices[contest.contestId] = [contest.selections[choiceIndex % contest.selections.length] as SelectionId];
    return choices;
  }

  close(): void {
    this.ledger.close();
  }
}

/** Pushes a station's whole `log` to the validator at `url` (POST /urna/v1/entries); anything but 200 throws. */
export async function pushLog(url: string, ledger: LedgerStore, log: LogKind): Promise<void> {
  const response = await fetch(new URL('/urna/v1/entries', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(entriesRequest(ledger, log, 0)),
  });
  if (response.status !== 200) throw new Error(`push ${log} to ${url}: ${response.status} ${await response.text()}`);
}

/** The body of POST /urna/v1/entries: a station's entries [from, to) and the checkpoint it signed at `to`. */
export function entriesRequest(ledger: LedgerStore, log: LogKind, from: number, to = ledger.size(log)): EntriesRequest {
  const checkpoint = ledger.checkpointBetween(log, to - 1, to);
  if (checkpoint === undefined) throw new Error(`no checkpoint at ${to}`);
  return { origin: ledger.origin(log), from, entries: ledger.entryTexts(log, from, to), checkpoint: checkpoint.note };
}

/** A test validator's cosignature key, as `verifyCosignedCheckpoint` takes it. */
export function cosignerOf(validator: TestValidator): { readonly name: string; readonly publicKey: Uint8Array } {
  const key = parseVerifierKey(validator.verifierKey);
  if (!key.ok) throw new Error(`verifier key of ${validator.name}`);
  return { name: key.value.name, publicKey: key.value.publicKey };
}

/** One validator as a real child process (shared with `urna simulate`). */
export { ValidatorProcess } from '../../../cli/simulate/validator-process';
