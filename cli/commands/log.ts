/**
 * `urna log …`: the station ledger from the command line.
 *
 *   demo    build a station store with N synthetic entries (demos, benchmarks)
 *   verify  open a store, re-derive both logs, check signatures and entries
 *   export  write a station's part of the election record:
 *             stations/<station id>/station.vkey
 *             stations/<station id>/ballots/entries.jsonl, ballots/checkpoint
 *             stations/<station id>/pollbook/checkpoint
 *           Poll-book entries stay out of the public record (docs/SPEC.md §5.1); an
 *           official export for validators and officials asks for them explicitly.
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { toBase64 } from '../../core/encoding/bytes';
import { ID_PATTERN, LOG_KINDS, type ElectionId, type LogKind, type StationId } from '../../core/ids';
import { stationKeyName } from '../../core/ledger/checkpoint';
import { describeEntryError, type LedgerEntry } from '../../core/ledger/entries';
import { LedgerReader, LedgerStore, checkStoredEntry, describeLedgerError } from '../../main/ledger/store';
import {
  describeIdentityError,
  loadOrProvisionStationIdentity,
  loadStationIdentity,
} from '../../main/station/identity';
import { CliError } from '../urna';
import { readVerifierKeyFile } from './election';

const KEY_FILE = 'station.key';
const EXPORT_CHUNK = 10_000;

function positiveInteger(name: string, min = 0) {
  return (value: string): number => {
    if (!/^[0-9]+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
      throw new CliError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
    }
    return Number(value);
  };
}

function checkId(value: string, what: string): string {
  if (!ID_PATTERN.test(value))
    throw new CliError(`${what} ${JSON.stringify(value)} does not match ${String(ID_PATTERN)}`);
  return value;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

type DemoOptions = {
  entries: number;
  pollbookEntries?: number;
  dir: string;
  election: string;
  station: string;
  batch: number;
};

function demoCommand(options: DemoOptions): void {
  const electionId = checkId(options.election, 'election id') as ElectionId;
  const stationId = checkId(options.station, 'station id') as StationId;
  const signer = loadOrProvisionStationIdentity(
    path.join(options.dir, KEY_FILE),
    stationKeyName(electionId, stationId),
  );
  if (!signer.ok) throw new CliError(describeIdentityError(signer.error));
  const opened = LedgerStore.open({ directory: options.dir, electionId, stationId, signer: signer.value });
  if (!opened.ok) throw new CliError(describeLedgerError(opened.error));
  const store = opened.value;
  try {
    const started = performance.now();
    const wanted: Record<LogKind, number> = {
      ballots: options.entries,
      pollbook: options.pollbookEntries ?? options.entries,
    };
    for (const log of LOG_KINDS) {
      let remaining = wanted[log];
      while (remaining > 0) {
        const count = Math.min(remaining, options.batch);
        const first = store.size(log);
        const batch: LedgerEntry[] = Array.from({ length: count }, (_, i) => ({
          type: 'demo-note',
          v: 1,
          seq: first + i,
          text: `synthetic ${log} entry ${first + i}`,
        }));
        const appended = store.appendBatch(log, batch);
        if (!appended.ok) throw new CliError(describeLedgerError(appended.error));
        remaining -= count;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    out(`station ${stationId} of election ${electionId} in ${options.dir}`);
    out(`station key: ${signer.value.verifierKey}`);
    for (const log of LOG_KINDS) out(`${log}: ${store.size(log)} entries, root ${toBase64(store.rootHash(log))}`);
    out(
      `appended ${wanted.ballots + wanted.pollbook} entries in ${seconds.toFixed(2)} s (batches of ${options.batch}, one signed checkpoint per batch)`,
    );
  } finally {
    store.close();
  }
}

/** The verifier key to trust: an explicit file, else the station key beside the store, else what the store records. */
function trustedVerifierKey(dir: string, vkeyFile: string | undefined): { key: string | undefined; source: string } {
  if (vkeyFile !== undefined) {
    return { key: readVerifierKeyFile(vkeyFile, "the station's verifier key"), source: vkeyFile };
  }
  const identity = loadStationIdentity(path.join(dir, KEY_FILE));
  if (identity.ok) return { key: identity.value.verifierKey, source: path.join(dir, KEY_FILE) };
  if (identity.error.kind !== 'missing') throw new CliError(describeIdentityError(identity.error));
  return { key: undefined, source: 'the key recorded in the store (pass --vkey to check against an enrolled key)' };
}

function openVerified(dir: string, vkeyFile: string | undefined): { reader: LedgerReader; source: string } {
  if (!existsSync(dir)) throw new CliError(`no station data directory at ${path.resolve(dir)}`);
  if (!statSync(dir).isDirectory())
    throw new CliError(
      `${path.resolve(dir)} is a file; --dir names the station's data directory (the folder holding station.key and the ledger)`,
    );
  const trusted = trustedVerifierKey(dir, vkeyFile);
  const opened = LedgerReader.openForReading({ directory: dir, verifierKey: trusted.key });
  if (!opened.ok) {
    if (
      opened.error.kind === 'store-mismatch' &&
      vkeyFile !== undefined &&
      opened.error.reason.includes('different station key')
    ) {
      throw new CliError(
        `the ledger in ${path.resolve(dir)} was not signed by the key in ${vkeyFile}: that is another station's verifier key (or the wrong station's data directory)`,
      );
    }
    throw new CliError(`${path.resolve(dir)}: ${describeLedgerError(opened.error)}`);
  }
  return { reader: opened.value, source: trusted.source };
}

function verifyCommand(options: { dir: string; vkey?: string }): void {
  const started = performance.now();
  const { reader, source } = openVerified(options.dir, options.vkey);
  try {
    const openMs = performance.now() - started;
    const problems: string[] = [];
    for (const log of LOG_KINDS) {
      // The open already proved the hashes and signature; also check every entry is canonical and well-formed.
      const size = reader.size(log);
      for (let from = 0; from < size && problems.length < 10; from += EXPORT_CHUNK) {
        reader.entryTexts(log, from, from + EXPORT_CHUNK).forEach((text, i) => {
          const checked = checkStoredEntry(text);
          if (!checked.ok) problems.push(`${log} entry ${from + i}: ${describeEntryError(checked.error)}`);
        });
      }
      out(
        `${log}: ${size} entries, root ${toBase64(reader.rootHash(log))}, checkpoint signed by ${reader.verifierKey.split('+')[0] ?? ''}`,
      );
    }
    out(`station key from ${source}`);
    out(`tree re-derived and signatures verified in ${openMs.toFixed(0)} ms`);
    if (problems.length > 0) throw new CliError(`entries failed checks:\n  ${problems.join('\n  ')}`);
    out('ok');
  } finally {
    reader.close();
  }
}

type ExportOptions = { dir: string; out: string; vkey?: string; includePollbookEntries?: boolean };

function writeEntries(reader: LedgerReader, log: LogKind, file: string): void {
  const fd = openSync(file, 'w');
  try {
    const size = reader.size(log);
    for (let from = 0; from < size; from += EXPORT_CHUNK) {
      const lines = reader.entryTexts(log, from, Math.min(size, from + EXPORT_CHUNK));
      writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
}

function exportCommand(options: ExportOptions): void {
  const { reader } = openVerified(options.dir, options.vkey);
  try {
    const stationDir = path.join(options.out, 'stations', reader.stationId);
    for (const log of LOG_KINDS) mkdirSync(path.join(stationDir, log), { recursive: true });
    writeFileSync(path.join(stationDir, 'station.vkey'), `${reader.verifierKey}\n`);
    writeEntries(reader, 'ballots', path.join(stationDir, 'ballots', 'entries.jsonl'));
    for (const log of LOG_KINDS) writeFileSync(path.join(stationDir, log, 'checkpoint'), reader.checkpoint(log));
    if (options.includePollbookEntries === true) {
      writeEntries(reader, 'pollbook', path.join(stationDir, 'pollbook', 'entries.jsonl'));
      process.stderr.write(
        'urna: pollbook/entries.jsonl is for validators and officials only: keep it out of the public record\n',
      );
    }
    out(`exported station ${reader.stationId} to ${stationDir}`);
    for (const log of LOG_KINDS) out(`${log}: ${reader.size(log)} entries`);
  } finally {
    reader.close();
  }
}

export function register(program: Command): void {
  const log = program.command('log').description('the station ledger: signed Merkle logs of ballots and the poll book');

  log
    .command('demo')
    .description('build a station store with synthetic entries (for demos and benchmarks)')
    .requiredOption('--entries <n>', 'entries to add to the ballot log', positiveInteger('--entries'))
    .option(
      '--pollbook-entries <n>',
      'entries to add to the poll-book log (default: same as --entries)',
      positiveInteger('--pollbook-entries'),
    )
    .requiredOption('--dir <dir>', 'station data directory (station.key and ledger.sqlite)')
    .option('--election <id>', 'election id', 'demo-election')
    .option('--station <id>', 'station id', 'demo-station')
    .option(
      '--batch <n>',
      'entries per transaction and signed checkpoint (1 = the station path)',
      positiveInteger('--batch', 1),
      1000,
    )
    .action((options: DemoOptions) => demoCommand(options));

  log
    .command('verify')
    .description('re-derive both logs from their entries and verify the signed checkpoints')
    .requiredOption('--dir <dir>', 'station data directory')
    .option('--vkey <file>', "the station's verifier key (e.g. from its enrollment)")
    .action((options: { dir: string; vkey?: string }) => verifyCommand(options));

  log
    .command('export')
    .description("write the station's part of the election record")
    .requiredOption('--dir <dir>', 'station data directory')
    .requiredOption('--out <dir>', 'election record directory')
    .option('--vkey <file>', "the station's verifier key (e.g. from its enrollment)")
    .option(
      '--include-pollbook-entries',
      'also write pollbook/entries.jsonl (official export, NOT for the public record)',
    )
    .action((options: ExportOptions) => exportCommand(options));
}
