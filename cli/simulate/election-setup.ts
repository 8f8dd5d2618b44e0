/**
 * Before election day, as the officials would do it: the authority's key, the
 * validators' keys, the key ceremony (each guardian a separate process with its own
 * state folder: cli/simulate/guardians.ts), the poll-worker cards, the sample election with a
 * voter roll for every simulated station, the signed package, and each station
 * provisioned (identity, pinned authority, poll-book key, package) and enrolled.
 *
 * Every secret is fresh randomness; only the voter roll and behaviour follow the
 * seed, so a published seed gives away nothing a real election would need kept.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toHex, utf8Encode } from '../../core/encoding/bytes';
import { parseElectionDefinition, type ElectionDefinition } from '../../core/election/definition';
import { enrollStation } from '../../core/election/enrollment';
import { pollBookKeyId, voterHash } from '../../core/election/pollbook';
import {
  CEREMONY_PLACEHOLDER_HASH,
  CEREMONY_PLACEHOLDER_KEY,
  electionBaseHash,
  electionCeremonyBaseHash,
  serializeElectionPackage,
  signElectionPackage,
} from '../../core/election/package';
import { signStationManifest, type ListedStation } from '../../core/election/station-manifest';
import { sampleElectionDefinition } from '../../core/election/sample';
import { toBallotManifest } from '../../core/election/manifest';
import type { BallotManifest } from '../../core/ballot';
import type { PrecinctId, StationId } from '../../core/ids';
import { SIGNATURE_TYPE_COSIGNATURE_V1, SIGNATURE_TYPE_ED25519, formatVerifierKey } from '../../core/ledger/note';
import { buildCardSet, type CardSet, type CardSetFile } from '../../hardware/sim/card-set';
import { loadElectionPackage, pinAuthorityKey } from '../../main/election/election-store';
import { describeIdentityError, loadStationIdentity } from '../../main/station/identity';
import { provisionStation } from '../../main/station/open-station';
import { provisionPollBookKey } from '../../main/station/pollbook';
import { readSignerKeyFile, writeNewKeyPair } from '../commands/election';
import { CliError } from '../urna';
import { holdGuardianCeremony, type SimulatedGuardian } from './guardians';
import { voterIdsFor } from './voters';

export const URNA_BIN = path.resolve(import.meta.dirname, '../../bin/urna.mjs');

export type SimulationShape = {
  readonly stations: number;
  readonly voters: number;
  readonly validators: number;
  readonly cosign: number;
  readonly guardians: number;
  readonly threshold: number;
  /** Voters of each station, instead of `voters` for all (its length is `stations`). */
  readonly stationVoters?: readonly number[];
};

/** How many voters station i (0-based) has. */
export function votersAt(shape: SimulationShape, i: number): number {
  return shape.stationVoters?.[i] ?? shape.voters;
}

export type SimulatedStation = {
  readonly stationId: StationId;
  /** 1-based, for voter ids and logs. */
  readonly number: number;
  readonly precinctId: PrecinctId;
  readonly ballotStyleId: string;
  readonly manifest: BallotManifest;
  readonly dataDir: string;
  readonly voterIds: readonly string[];
  /** The name of this station's poll-worker card in the card set. */
  readonly workerCard: string;
  readonly workerPin: string;
};

export type SimulatedValidator = { readonly name: string; readonly configFile: string };

export type SimulatedElection = {
  readonly workDir: string;
  readonly definition: ElectionDefinition;
  readonly packageFile: string;
  readonly ceremonyDir: string;
  readonly enrollmentsDir: string;
  /** The authority's signed list of every simulated station. */
  readonly stationManifestFile: string;
  /** Each guardian's own machine (state folder) and passphrase, guardian 1 first. */
  readonly guardians: readonly SimulatedGuardian[];
  readonly validators: readonly SimulatedValidator[];
  readonly stations: readonly SimulatedStation[];
  readonly cards: CardSet;
  readonly cardIssuerPublicKey: Uint8Array;
};

/** The sample's two precincts, each with its own ballot style; stations alternate between them. */
const PRECINCTS = [
  { precinctId: 'uik-1201', code: '1201' },
  { precinctId: 'uik-1202', code: '1202' },
] as const;

function randomHex(bytes: number): string {
  return toHex(randomBytes(bytes));
}

/** One poll-worker card per station, with fresh keys and PINs; the issuer key goes in the package. */
function makeCards(stations: number): { file: CardSetFile; pins: string[] } {
  const pins = Array.from({ length: stations }, () =>
    String(randomBytes(4).readUInt32BE(0) % 1_000_000).padStart(6, '0'),
  );
  return {
    file: {
      cardIssuerSeed: randomHex(32),
      tokenIssuerSeed: randomHex(32),
      cards: pins.map((pin, i) => ({
        name: `worker-${i + 1}`,
        cardId: `pw-${String(i + 1).padStart(4, '0')}`,
        role: 'poll-worker' as const,
        seed: randomHex(32),
        pin,
      })),
    },
    pins,
  };
}

export async function prepareElection(workDir: string, shape: SimulationShape): Promise<SimulatedElection> {
  mkdirSync(workDir, { recursive: true });
  const authorityKeyFile = path.join(workDir, 'authority.key');
  const authorityVkey = writeNewKeyPair(authorityKeyFile, 'sim-commission');
  writeFileSync(path.join(workDir, 'authority.vkey'), `${authorityVkey}\n`);
  const validators = Array.from({ length: shape.validators }, (_, i) => {
    const name = `validator-${i + 1}`;
    const keyFile = path.join(workDir, 'validators', `${name}.key`);
    return { name, keyFile, verifierKey: writeNewKeyPair(keyFile, name, SIGNATURE_TYPE_COSIGNATURE_V1) };
  });
  const cards = makeCards(shape.stations);
  const cardSet = buildCardSet(cards.file);
  const pollBookKey = new Uint8Array(randomBytes(32));

  const sample = sampleElectionDefinition({
    authorityVerifierKey: authorityVkey,
    pollWorkerCardIssuerKey: formatVerifierKey('sim-cards', SIGNATURE_TYPE_ED25519, cardSet.cardIssuerPublicKey),
    // The package names where each validator is published; the simulation's stations reach them on loopback instead.
    validators: validators.map((v) => ({
      name: v.name,
      verifierKey: v.verifierKey,
      url: `https://${v.name}.simulation.invalid/`,
    })),
    // Filled in after the guardians' ceremony, which is bound to everything else.
    jointPublicKey: CEREMONY_PLACEHOLDER_KEY,
    ceremonyRecordHash: CEREMONY_PLACEHOLDER_HASH,
    guardians: { count: shape.guardians, threshold: shape.threshold },
  });
  if (!sample.ok)
    throw new CliError(`the sample definition is invalid: ${sample.error.map((e) => e.message.en).join('; ')}`);

  const stationPlans = Array.from({ length: shape.stations }, (_, i) => {
    const precinct = PRECINCTS[i % PRECINCTS.length] ?? PRECINCTS[0];
    const number = i + 1;
    return {
      number,
      stationId: `station-${String(number).padStart(2, '0')}` as StationId,
      precinct,
      voterIds: voterIdsFor(number, votersAt(shape, i), precinct.code),
    };
  });
  const electionId = sample.value.electionId;
  const draft = {
    ...sample.value,
    precincts: sample.value.precincts.map((p) => ({
      ...p,
      voterList: stationPlans
        .filter((s) => s.precinct.precinctId === p.id)
        .flatMap((s) => s.voterIds.map((id) => voterHash(pollBookKey, electionId, id))),
    })),
    pollBookKeyId: pollBookKeyId(pollBookKey),
    validators: { ...sample.value.validators, threshold: shape.cosign },
  };
  const parsedDraft = parseElectionDefinition(draft);
  if (!parsedDraft.ok)
    throw new CliError(`the simulated election is invalid: ${parsedDraft.error.map((e) => e.message.en).join('; ')}`);
  const ceremony = await holdGuardianCeremony(
    workDir,
    shape.guardians,
    shape.threshold,
    electionCeremonyBaseHash(parsedDraft.value),
  );
  const parsed = parseElectionDefinition({
    ...draft,
    guardians: { ...draft.guardians, jointPublicKey: ceremony.jointKey, ceremonyRecordHash: ceremony.recordHash },
  });
  if (!parsed.ok)
    throw new CliError(`the simulated election is invalid: ${parsed.error.map((e) => e.message.en).join('; ')}`);
  const definition = parsed.value;
  const authority = readSignerKeyFile(authorityKeyFile);
  const signed = signElectionPackage(definition, authority);
  if (!signed.ok) throw new Error('invariant failed: the authority cannot sign its own definition');
  const packageText = serializeElectionPackage(signed.value);
  const packageFile = path.join(workDir, 'election.json');
  writeFileSync(packageFile, packageText);

  const enrollmentsDir = path.join(workDir, 'enrollments');
  mkdirSync(enrollmentsDir, { recursive: true });
  const listed: ListedStation[] = [];
  const stations = stationPlans.map((plan, i): SimulatedStation => {
    const dataDir = path.join(workDir, 'stations', plan.stationId);
    provisionStation(dataDir, { stationId: plan.stationId, electionId, precinctId: plan.precinct.precinctId });
    const identity = loadStationIdentity(path.join(dataDir, 'station.key'));
    if (!identity.ok) throw new CliError(`${plan.stationId}: ${describeIdentityError(identity.error)}`);
    const enrolled = enrollStation(
      {
        electionId,
        stationId: plan.stationId,
        precinctId: plan.precinct.precinctId as PrecinctId,
        stationVerifierKey: identity.value.verifierKey,
      },
      authority,
      definition,
    );
    if (!enrolled.ok)
      throw new CliError(`${plan.stationId} not enrolled: ${enrolled.error.map((e) => e.message.en).join('; ')}`);
    writeFileSync(path.join(enrollmentsDir, `${plan.stationId}.json`), `${JSON.stringify(enrolled.value, null, 2)}\n`);
    listed.push({
      stationId: plan.stationId,
      precinctId: plan.precinct.precinctId as PrecinctId,
      verifierKey: identity.value.verifierKey,
    });
    const pinned = pinAuthorityKey(dataDir, authorityVkey);
    if (!pinned.ok) throw new CliError(`${plan.stationId}: ${pinned.error.map((e) => e.message.en).join('; ')}`);
    provisionPollBookKey(dataDir, pollBookKey);
    const loaded = loadElectionPackage({ dataDir, pollsHaveOpened: () => false }, utf8Encode(packageText));
    if (!loaded.ok)
      throw new CliError(`${plan.stationId} refused the package: ${loaded.error.map((e) => e.message.en).join('; ')}`);
    const ballotStyleId = definition.ballotStyles.find((s) =>
      s.precinctIds.includes(plan.precinct.precinctId as PrecinctId),
    )?.id;
    if (ballotStyleId === undefined)
      throw new Error(`invariant failed: no ballot style for ${plan.precinct.precinctId}`);
    const manifest = toBallotManifest(definition, ballotStyleId);
    if (!manifest.ok) throw new Error(`invariant failed: no manifest for ${ballotStyleId}`);
    return {
      stationId: plan.stationId,
      number: plan.number,
      precinctId: plan.precinct.precinctId as PrecinctId,
      ballotStyleId,
      manifest: manifest.value,
      dataDir,
      voterIds: plan.voterIds,
      workerCard: `worker-${i + 1}`,
      workerPin: cards.pins[i] ?? '',
    };
  });

  const manifest = signStationManifest({ manifestVersion: 1, final: true, stations: listed }, authority, {
    definition,
    baseHash: electionBaseHash(definition),
  });
  if (!manifest.ok) throw new Error(`invariant failed: the station manifest: ${manifest.error}`);
  const stationManifestFile = path.join(workDir, 'station-manifest.json');
  writeFileSync(stationManifestFile, `${JSON.stringify(manifest.value, null, 2)}\n`);

  const simulatedValidators = validators.map((v) => {
    const configFile = path.join(workDir, 'validators', `${v.name}.json`);
    const config = {
      name: v.name,
      keyFile: v.keyFile,
      // Port 0: the validator takes a free port and announces it; stations reach it through proxies.
      listen: { host: '127.0.0.1', port: 0 },
      dataDir: path.join(workDir, 'validators', `${v.name}-data`),
      electionPackage: packageFile,
      authorityKey: path.join(workDir, 'authority.vkey'),
      enrollments: [enrollmentsDir],
      stationManifest: stationManifestFile,
      // Every station of the simulation shares one loopback address: a per-client rate limit meant for the Internet would throttle them all together.
      limits: { ratePerSecond: 100_000, rateBurst: 100_000 },
    };
    writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
    return { name: v.name, configFile };
  });

  return {
    workDir,
    definition,
    packageFile,
    ceremonyDir: path.dirname(ceremony.recordFile),
    enrollmentsDir,
    stationManifestFile,
    guardians: ceremony.guardians,
    validators: simulatedValidators,
    stations,
    cards: cardSet,
    cardIssuerPublicKey: cardSet.cardIssuerPublicKey,
  };
}
