/**
 * `urna record export`: collects the public election record (its layout:
 * docs/SPEC.md §5.1) from the validators' bulletin boards and, for stations whose logs never
 * reached a validator, from station exports on removable media (`urna log export`).
 *
 * Nothing is trusted on the way in: the package is verified, every enrollment is
 * checked against the authority, every checkpoint against the enrolled station key,
 * and the entries written must rebuild the checkpoint's root. Each validator serves
 * the checkpoint with its own cosignature; the record keeps the station's signature
 * followed by every cosignature on the largest checkpoint.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { toBase64, utf8Encode } from '../../core/encoding/bytes';
import { verifyStationEnrollment, type StationEnrollment } from '../../core/election/enrollment';
import { describeElectionErrors } from '../../core/election/errors';
import { LOG_KINDS, type LogKind } from '../../core/ids';
import { openCheckpoint, stationKeyName, stationOrigin } from '../../core/ledger/checkpoint';
import { rootOfEntries } from '../../core/ledger/merkle';
import { noteVerifierFromKey } from '../../core/ledger/note';
import { mergeCheckpoints, type CheckpointCandidate } from '../../core/record/assemble';
import { openRecordCeremony, openRecordElection, type RecordElection } from '../../core/record/election';
import { splitEntryLines } from '../../core/record/verify';
import { verifyCosignedCheckpoint } from '../../core/ledger/cosignature';
import { nodeMerkleHasher } from '../../storage/merkle-hasher';
import { readJsonFile, readJsonFileWithText, writeRecordFile } from '../record/files';
import { registerBoardMirror } from '../record/board-mirror';
import { readExportStationList, stationsToExport, writeStationList } from '../record/station-list';
import { CliError } from '../urna';
import { readVerifierKeyFile } from './election';

type ExportOptions = {
  out: string;
  election: string;
  guardians: string;
  enrollments: string;
  from?: string[];
  stationExport?: string[];
  authorityKey?: string;
  stationManifest: string;
  notOperated?: string[];
};

const FETCH_TIMEOUT_MS = 30_000;

async function getText(base: string, pathname: string): Promise<{ status: number; text: string }> {
  const url = new URL(pathname, base);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new CliError(
      `validator ${base} is unreachable (${url.pathname}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { status: response.status, text: await response.text() };
}

async function getJson<T>(base: string, pathname: string): Promise<T> {
  const { status, text } = await getText(base, pathname);
  if (status !== 200)
    throw new CliError(`validator ${base}: GET ${pathname} answered HTTP ${status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function readEnrollments(
  election: RecordElection,
  dir: string,
): Map<string, { enrollment: StationEnrollment; text: string }> {
  const enrollments = new Map<string, { enrollment: StationEnrollment; text: string }>();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  for (const name of files) {
    const file = path.join(dir, name);
    const text = readText(file);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CliError(`${file} is not JSON`);
    }
    const checked = verifyStationEnrollment(json, {
      authorityKey: election.definition.authority.verifierKey,
      definition: election.definition,
    });
    if (!checked.ok) throw new CliError(`${file}: ${describeElectionErrors(checked.error, 'en')}`);
    const earlier = enrollments.get(checked.value.stationId);
    if (earlier !== undefined && earlier.enrollment.stationVerifierKey !== checked.value.stationVerifierKey) {
      throw new CliError(`station ${checked.value.stationId} is enrolled twice with different keys`);
    }
    enrollments.set(checked.value.stationId, { enrollment: checked.value, text });
  }
  return enrollments;
}

type StationSource = {
  readonly label: string;
  checkpoint(stationId: string, log: LogKind): Promise<string | undefined>;
  /** The ballot log's entries, when this source holds them up to `size`. */
  entries(stationId: string, size: number): Promise<string[] | undefined>;
};

function validatorSource(base: string): StationSource {
  return {
    label: `validator ${base}`,
    async checkpoint(stationId, log) {
      const { status, text } = await getText(base, `/urna/v1/logs/${stationId}/${log}/checkpoint`);
      if (status === 404) return undefined;
      if (status !== 200)
        throw new CliError(`validator ${base}: checkpoint of ${stationId}/${log} answered HTTP ${status}`);
      return text;
    },
    async entries(stationId, size) {
      const out: string[] = [];
      while (out.length < size) {
        const page = await getJson<{ size: number; end: number; entries: string[] }>(
          base,
          `/urna/v1/logs/${stationId}/ballots/entries?start=${out.length}&end=${size}`,
        );
        if (page.entries.length === 0) return undefined;
        out.push(...page.entries);
      }
      return out;
    },
  };
}

function stationExportSource(dir: string): StationSource {
  const stationDir = (stationId: string) => path.join(dir, 'stations', stationId);
  const read = (file: string): string | undefined => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  return {
    label: `station export ${dir}`,
    checkpoint: (stationId, log) => Promise.resolve(read(path.join(stationDir(stationId), log, 'checkpoint'))),
    entries(stationId, size) {
      const text = read(path.join(stationDir(stationId), 'ballots', 'entries.jsonl'));
      if (text === undefined) return Promise.resolve(undefined);
      const lines = splitEntryLines(text);
      return Promise.resolve(lines.ok && lines.value.length >= size ? lines.value.slice(0, size) : undefined);
    },
  };
}

function stationsInExport(dir: string): string[] {
  try {
    return readdirSync(path.join(dir, 'stations')).filter((name) =>
      statSync(path.join(dir, 'stations', name)).isDirectory(),
    );
  } catch {
    throw new CliError(`${dir} is not a station export (no stations/ folder); make one with \`urna log export\``);
  }
}

/** The package's validators, for messages that ask for their URLs. */
function packageValidators(election: RecordElection): string {
  return election.definition.validators.members.map((v) => `${v.name} ${v.url}`).join(', ');
}

/** At least one source, and every --from a validator's base URL: one message that says what to give. */
function checkSources(election: RecordElection, urls: readonly string[], exports: readonly string[]): void {
  if (urls.length === 0 && exports.length === 0) {
    throw new CliError(
      `no source given: name the validators with --from (this package's: ${packageValidators(election)}), or station exports with --station-export DIR`,
    );
  }
  for (const url of urls) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new CliError(
        `--from ${JSON.stringify(url)} is not a validator's base URL (http:// or https://); this package's validators: ${packageValidators(election)}`,
      );
    }
  }
}

/** Said once, instead of a "submit the station's logs" per log, when the cause is that too few validators were asked. */
function tooFewValidatorsAsked(election: RecordElection, urls: readonly string[], logs: number): string {
  const asked = urls.length === 1 ? 'only 1 validator was asked' : `only ${urls.length} validators were asked`;
  return (
    `${asked} (--from), and a checkpoint needs the cosignatures of ${election.validatorThreshold} of the package's ${election.validators.length}: ` +
    `${logs} log(s) lack cosignatures in this record, which \`urna verify\` will refuse. Give every validator's URL with --from (${packageValidators(election)})`
  );
}

async function exportCommand(options: ExportOptions): Promise<void> {
  const urls = options.from ?? [];
  const exports = options.stationExport ?? [];

  const { text: packageText, json: packageJson } = readJsonFileWithText(options.election);
  const authorityKey =
    options.authorityKey === undefined
      ? 'self'
      : readVerifierKeyFile(options.authorityKey, "the election authority's verifier key");
  const opened = openRecordElection(packageJson, { authorityKey });
  if (!opened.ok) throw new CliError(`${options.election}: ${opened.error.message}`);
  const election = opened.value;
  const electionId = election.definition.electionId;
  checkSources(election, urls, exports);

  const ceremonyFile = statSync(options.guardians).isDirectory()
    ? path.join(options.guardians, 'key-ceremony.json')
    : options.guardians;
  const ceremonyText = readText(ceremonyFile);
  const ceremony = openRecordCeremony(election, readJsonFile(ceremonyFile));
  if (!ceremony.ok) throw new CliError(`${ceremonyFile}: ${ceremony.error.message}`);
  const enrollments = readEnrollments(election, options.enrollments);
  const stationList = readExportStationList(election, options.stationManifest, options.notOperated ?? []);

  const sources: { source: StationSource; stations: Set<string> }[] = [];
  for (const url of urls) {
    const logs = await getJson<{ electionId: string; logs: { stationId: string }[] }>(url, '/urna/v1/logs');
    if (logs.electionId !== electionId)
      throw new CliError(`validator ${url} serves election ${logs.electionId}, not ${electionId}`);
    sources.push({ source: validatorSource(url), stations: new Set(logs.logs.map((l) => l.stationId)) });
  }
  for (const dir of exports)
    sources.push({ source: stationExportSource(dir), stations: new Set(stationsInExport(dir)) });

  const warnings: string[] = [];
  const stationIds = stationsToExport(stationList, [...new Set(sources.flatMap((s) => [...s.stations]))].sort(), (w) =>
    warnings.push(w),
  );
  const out = options.out;
  writeRecordFile(out, 'election.json', packageText, { exclusive: true });
  writeRecordFile(out, 'guardians/key-ceremony.json', ceremonyText, { exclusive: true });
  writeRecordFile(out, 'guardians/joint-key', `${election.definition.guardians.jointPublicKey}\n`, { exclusive: true });
  for (const v of election.validators)
    writeRecordFile(out, `validators/${v.name}.vkey`, `${v.verifierKey}\n`, { exclusive: true });

  const validatorNames = election.validators.map((v) => v.name);
  /** Logs short of cosignatures because fewer validators were asked than a checkpoint needs. */
  const undercosigned: string[] = [];
  let ballotEntries = 0;
  for (const stationId of stationIds) {
    const enrolled = enrollments.get(stationId);
    if (enrolled === undefined)
      throw new CliError(`station ${stationId} has logs but no enrollment in ${options.enrollments}`);
    const verifier = noteVerifierFromKey(enrolled.enrollment.stationVerifierKey);
    if (!verifier.ok) throw new CliError(`station ${stationId}: the enrolled key is not a note key`);
    const holders = sources.filter((s) => s.stations.has(stationId)).map((s) => s.source);
    const merged: Partial<Record<LogKind, { note: string; size: number; sources: readonly string[] }>> = {};
    for (const log of LOG_KINDS) {
      const candidates: CheckpointCandidate[] = [];
      for (const source of holders) {
        const note = await source.checkpoint(stationId, log);
        if (note === undefined) continue;
        // Only checkpoints the enrolled station really signed take part.
        const checked = openCheckpoint(
          note,
          [verifier.value],
          stationOrigin(electionId, enrolled.enrollment.stationId, log),
        );
        if (!checked.ok) {
          warnings.push(
            `${source.label}: the ${log} checkpoint of ${stationId} is not signed by the enrolled station key; ignored`,
          );
          continue;
        }
        candidates.push({ source: source.label, note });
      }
      const chosen = mergeCheckpoints(
        candidates,
        stationKeyName(electionId, enrolled.enrollment.stationId),
        validatorNames,
      );
      if (!chosen.ok) throw new CliError(`station ${stationId}, ${log} log: ${chosen.error}`);
      merged[log] = chosen.value;
      const cosigners = verifyCosignedCheckpoint(chosen.value.note, election.validators);
      const count = cosigners.ok ? new Set(cosigners.value.map((c) => c.name)).size : 0;
      if (count < election.validatorThreshold) {
        if (urls.length < election.validatorThreshold) undercosigned.push(`${stationId} ${log}`);
        else
          warnings.push(
            `station ${stationId}, ${log} log: the checkpoint at size ${chosen.value.size} has ${count} cosignature(s), ${election.validatorThreshold} needed — submit the station's logs to the validators`,
          );
      }
    }
    const ballots = merged.ballots as { note: string; size: number; sources: readonly string[] };
    let entries: string[] | undefined;
    for (const source of holders.filter((h) => ballots.sources.includes(h.label))) {
      entries = await source.entries(stationId, ballots.size);
      if (entries !== undefined) break;
    }
    if (entries === undefined)
      throw new CliError(
        `station ${stationId}: no source holds the ${ballots.size} ballot-log entries of its checkpoint`,
      );
    const root = rootOfEntries(
      entries.map((e) => utf8Encode(e)),
      nodeMerkleHasher,
    );
    const checkpoint = openCheckpoint(ballots.note, [verifier.value]);
    if (!checkpoint.ok || toBase64(checkpoint.value.checkpoint.rootHash) !== toBase64(root)) {
      throw new CliError(
        `station ${stationId}: the entries served do not rebuild the root of the station's checkpoint`,
      );
    }
    const dir = `stations/${stationId}`;
    writeRecordFile(out, `${dir}/station.vkey`, `${enrolled.enrollment.stationVerifierKey}\n`, { exclusive: true });
    writeRecordFile(out, `${dir}/enrollment.json`, enrolled.text, { exclusive: true });
    writeRecordFile(out, `${dir}/ballots/entries.jsonl`, entries.length === 0 ? '' : `${entries.join('\n')}\n`, {
      exclusive: true,
    });
    writeRecordFile(out, `${dir}/ballots/checkpoint`, ballots.note, { exclusive: true });
    writeRecordFile(out, `${dir}/pollbook/checkpoint`, (merged.pollbook as { note: string }).note, { exclusive: true });
    ballotEntries += entries.length;
    process.stdout.write(
      `station ${stationId}: ${entries.length} ballot-log entries; checkpoints from ${ballots.sources.length} source(s)\n`,
    );
  }
  for (const [stationId] of enrollments) {
    if (!stationIds.includes(stationId) && !stationList.notOperated.has(stationId))
      warnings.push(`station ${stationId} is enrolled but no validator or export holds its logs`);
  }
  const missing = writeStationList(out, stationList, stationIds);
  if (undercosigned.length > 0) warnings.unshift(tooFewValidatorsAsked(election, urls, undercosigned.length));
  for (const warning of warnings) process.stderr.write(`urna: warning: ${warning}\n`);
  const absent =
    stationList.notOperated.size > 0
      ? `; did not operate: ${[...stationList.notOperated.keys()].sort().join(', ')}`
      : '';
  process.stdout.write(
    `election record of ${electionId} in ${out}: ${stationIds.length} station(s), ${ballotEntries} ballot-log entries${absent}\n`,
  );
  if (missing.length > 0) {
    throw new CliError(
      `the record is incomplete: station(s) ${missing.join(', ')} of the station manifest have no logs at any source and no not-operated statement; ` +
        "collect their logs (--station-export) or add the authority's statement (--not-operated); `urna verify` refuses the record until then",
    );
  }
}

export function register(program: Command): void {
  const record = program.command('record').description('the public election record');
  record
    .command('export')
    .description("collect the election record from validators' bulletin boards and station exports")
    .requiredOption('--out <dir>', 'the record folder to create')
    .requiredOption('--election <file>', 'the signed election package (election.json)')
    .requiredOption(
      '--guardians <dir-or-file>',
      'the public key-ceremony record (key-ceremony.json, or the folder holding it)',
    )
    .requiredOption('--enrollments <dir>', "folder of the stations' enrollment files")
    .requiredOption('--station-manifest <file>', "the authority's signed station list (station-manifest.json)")
    .option('--not-operated <files...>', "the authority's signed statements that listed stations did not operate")
    .option(
      '--from <urls...>',
      "validators' base URLs: every validator of the package (a checkpoint needs the threshold's cosignatures)",
    )
    .option('--station-export <dirs...>', 'station exports from `urna log export`, for stations that never got online')
    .option(
      '--authority-key <vkey-file>',
      "pin the election authority's key instead of trusting the key the package names",
    )
    .action((options: ExportOptions) => exportCommand(options));
  registerBoardMirror(record);
}
