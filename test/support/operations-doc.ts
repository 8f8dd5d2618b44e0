/**
 * docs/OPERATIONS.md as a program: its `sh` blocks, in order, run with bash in an
 * empty folder on loopback, and the election day between them (the marker
 * `<!-- acceptance: election day -->`) driven through the station API of two real
 * stations opened from the data folders the document provisioned. Used by the
 * acceptance test and by `node --import tsx scripts/operations-doc.ts --write`,
 * which writes each block's output into the document.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { BallotMarks } from '../../core/api/ballot';
import type { StationId } from '../../core/ids';
import { MemoryEventLogger } from '../../main/logging';
import { castBallot, commitBallot, finishVoterSession } from '../../main/station/casting';
import { checkInVoter } from '../../main/station/check-in';
import { openStation } from '../../main/station/open-station';
import { closePolls, openPolls } from '../../main/station/polls';
import { MemoryPrinter } from './memory-printer';
import { waitFor } from './wait-for';

export const OPERATIONS_DOC = path.resolve(import.meta.dirname, '../../docs/OPERATIONS.md');
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const ELECTION_DAY_MARKER = '<!-- acceptance: election day -->';
/** The document's validator ports; a run may move them to free ones. */
export const DOC_PORTS = [8471, 8472] as const;

export type DocBlock = {
  /** Line number of the opening fence (1-based) in the document. */
  readonly line: number;
  readonly code: string;
  /** Where the block's output block ends (exclusive), if the document shows one right after it. */
  readonly outputEnd?: number;
  readonly outputStart?: number;
  readonly afterElectionDay: boolean;
};

/** Every ```sh block, in order, and the ```text output block right after it if any. */
export function operationsBlocks(markdown: string): DocBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  let afterElectionDay = false;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === ELECTION_DAY_MARKER) afterElectionDay = true;
    if (lines[i] !== '```sh') continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && lines[end] !== '```') end++;
    if (end >= lines.length) throw new Error(`docs/OPERATIONS.md line ${start + 1}: a sh block is not closed`);
    const code = lines.slice(start + 1, end).join('\n');
    let next = end + 1;
    while (next < lines.length && lines[next] === '') next++;
    let output: { outputStart: number; outputEnd: number } | undefined;
    if (lines[next] === '```text') {
      let close = next + 1;
      while (close < lines.length && lines[close] !== '```') close++;
      output = { outputStart: next, outputEnd: close + 1 };
    }
    blocks.push({ line: start + 1, code, afterElectionDay, ...output });
    i = end;
  }
  return blocks;
}

export type BlockRun = { readonly code: number | null; readonly output: string };

export class DocRunner {
  /** Process groups of every block, so that background validators can be stopped. */
  private readonly groups: number[] = [];

  constructor(
    readonly workDir: string,
    /** The ports the validators really listen on, for the document's 8471 and 8472. */
    readonly ports: readonly number[],
  ) {}

  /** The block as it runs here: `urna` is the checkout's, the ports are this run's. */
  private script(code: string): string {
    let text = code;
    DOC_PORTS.forEach((docPort, i) => {
      text = text.replaceAll(String(docPort), String(this.ports[i] ?? docPort));
    });
    return `set -e\nurna() { node "$URNA/bin/urna.mjs" "$@"; }\n${text}\n`;
  }

  run(block: DocBlock): Promise<BlockRun> {
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-c', this.script(block.code)], {
        cwd: this.workDir,
        detached: true,
        env: { ...process.env, URNA: REPO_ROOT, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      if (child.pid !== undefined) this.groups.push(child.pid);
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.once('error', reject);
      // Background children (the validators) keep the pipes open: the block is done when bash exits.
      child.once('exit', (code) => {
        setTimeout(() => resolve({ code, output: this.documentPorts(output) }), 50);
      });
    });
  }

  /** Output as the document shows it: this run's ports written back as the document's. */
  documentPorts(text: string): string {
    let out = text;
    this.ports.forEach((port, i) => {
      out = out.replaceAll(String(port), String(DOC_PORTS[i] ?? port));
    });
    return out.replaceAll(this.workDir, '.');
  }

  /** Stops what the blocks left running (the validators), by their process groups. */
  stop(): void {
    for (const pid of this.groups) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // The group is gone already.
      }
    }
  }
}

type DayVoter = { readonly voterId: string; readonly marks: BallotMarks };

/** The rehearsal's election day as docs/OPERATIONS.md section 5 states it. */
export const ELECTION_DAY: Readonly<Record<string, readonly DayVoter[]>> = {
  'uik-1201-a': [
    { voterId: '1201-0001', marks: { selections: { 'charter-amendment': ['charter-yes'] }, writeIns: {} } },
    { voterId: '1201-0002', marks: { selections: { 'charter-amendment': ['charter-no'] }, writeIns: {} } },
  ],
  'uik-1202-a': [
    { voterId: '1202-0001', marks: { selections: { 'charter-amendment': ['charter-yes'] }, writeIns: {} } },
  ],
};

const WORKER = { cardId: 'pw-0001', role: 'poll-worker' as const };

async function fetchText(url: string): Promise<string> {
  try {
    const response = await fetch(url);
    return response.ok ? await response.text() : '';
  } catch {
    return '';
  }
}

/**
 * Opens each provisioned station from its data folder (as the kiosk does, syncing to
 * the validators the package names, on this run's ports), opens the polls, checks
 * the voters in, casts their ballots, closes the polls and waits until every
 * validator holds each station's whole ballot log. Returns what it did, line by line.
 */
export async function runElectionDay(workDir: string, ports: readonly number[]): Promise<string[]> {
  const said: string[] = [];
  const urls = {
    commission: `http://127.0.0.1:${ports[0] ?? DOC_PORTS[0]}/`,
    'party-observers': `http://127.0.0.1:${ports[1] ?? DOC_PORTS[1]}/`,
  };
  for (const [stationId, voters] of Object.entries(ELECTION_DAY)) {
    const logger = new MemoryEventLogger();
    const printer = new MemoryPrinter();
    const station = openStation({
      dataDir: path.join(workDir, `station-${stationId}`),
      mode: 'production',
      logger,
      ballotPrinter: printer,
      syncToValidators: { urls, pollMs: 100, batching: { entries: 1, intervalMs: 1_000, jitterMs: 0 } },
    });
    try {
      if (station.provisioning.stationId !== (stationId as StationId))
        throw new Error(`station-${stationId} holds station ${station.provisioning.stationId}`);
      const opened = await openPolls(station.context, WORKER);
      if (!opened.ok) throw new Error(`${stationId}: the polls did not open: ${JSON.stringify(opened.error)}`);
      said.push(`${stationId}: polls open, zero report printed`);
      for (const voter of voters) {
        const checkIn = checkInVoter(station.context, WORKER, { voterId: voter.voterId, activation: 'kiosk' });
        if (checkIn.outcome !== 'checked-in')
          throw new Error(`${stationId}: check-in of ${voter.voterId}: ${JSON.stringify(checkIn)}`);
        const committed = await commitBallot(station.context, { marks: voter.marks, undervoteAcknowledged: true });
        if (!committed.ok)
          throw new Error(`${stationId}: ballot of ${voter.voterId}: ${JSON.stringify(committed.error)}`);
        const cast = castBallot(station.context);
        if (!cast.ok) throw new Error(`${stationId}: cast of ${voter.voterId}: ${JSON.stringify(cast.error)}`);
        await station.service.whenPrintingDone();
        // The voter taps "done" on the last screen.
        const finished = finishVoterSession(station.context);
        if (!finished.ok)
          throw new Error(`${stationId}: session of ${voter.voterId} did not end: ${JSON.stringify(finished.error)}`);
        said.push(`${stationId}: ${voter.voterId} checked in and cast a ballot`);
      }
      const closed = await closePolls(station.context, WORKER);
      if (!closed.ok) throw new Error(`${stationId}: the polls did not close: ${JSON.stringify(closed.error)}`);
      said.push(`${stationId}: polls closed, closing report printed (${printer.printed.length} printouts in all)`);
      const deadline = Date.now() + 60_000;
      for (const log of ['ballots', 'pollbook'] as const) {
        const size = station.ledger.size(log);
        for (const url of Object.values(urls)) {
          // A checkpoint note: origin line, then the tree size.
          const holdsAll = async () =>
            (await fetchText(`${url}urna/v1/logs/${stationId}/${log}/checkpoint`)).split('\n')[1] === String(size);
          await waitFor(holdsAll, {
            what: `${stationId}: ${url} to hold all ${size} ${log}-log entries`,
            timeout: Math.max(0, deadline - Date.now()),
            interval: 200,
          });
        }
      }
      const size = station.ledger.size('ballots');
      said.push(`${stationId}: both validators hold its logs (${size} ballot-log entries)`);
    } finally {
      await station.close();
    }
  }
  return said;
}
