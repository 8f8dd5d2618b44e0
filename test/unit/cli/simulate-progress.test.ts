/**
 * What `urna simulate` shows while the day runs: faults as they happen, the ballots
 * cast at all stations together, and what a held-up station waits for — so a count
 * that stands still for a minute says why. And the guardian commands' advice to real
 * guardians (keep your state folder, where your key share is) does not reach the
 * person watching a simulation whose folders are deleted after it.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DayProgress } from '../../../cli/simulate/progress';
import { runGuardianProcess } from '../../../cli/simulate/guardians';

function day(total: number) {
  let now = 1_000_000;
  const lines: string[] = [];
  const progress = new DayProgress(
    total,
    (line) => lines.push(line),
    () => now,
  );
  progress.startVoting();
  return { progress, lines, advance: (seconds: number) => (now += seconds * 1000) };
}

describe('urna simulate: the day as it runs', () => {
  it('counts the ballots of all stations together, with the rate now and overall', () => {
    const { progress, lines, advance } = day(40);
    for (let i = 0; i < 10; i++) progress.ballotCast();
    advance(10);
    progress.tick();
    advance(10);
    progress.tick();
    expect(lines).toEqual([
      'simulate: 10/40 ballots cast at all stations (1.0/s now, 1.0/s overall)',
      'simulate: 10/40 ballots cast at all stations (0.0/s now, 0.5/s overall)',
    ]);
  });

  it('prints a power cut when it happens, and says what the station waits for until it has recovered', () => {
    const { progress, lines, advance } = day(20);
    const events = progress.stationEvents;
    for (let i = 0; i < 19; i++) progress.ballotCast();
    events.log('simulate.station-killed', { stationId: 'station-2', voter: 7, moment: 'while-printing' });
    expect(lines).toEqual(['simulate: fault: station-2: power cut while printing (voter 7); restarting the kiosk']);
    advance(30);
    progress.tick();
    expect(lines.at(-1)).toBe(
      'simulate: 19/20 ballots cast at all stations (0.6/s now, 0.6/s overall); waiting: station-2 restarting its kiosk after a power cut (30 s)',
    );
    events.log('simulate.station-restarted', { stationId: 'station-2' });
    events.log('simulate.pending-resolved', { stationId: 'station-2', confirmed: true, receipt: false });
    advance(5);
    progress.tick();
    expect(lines.slice(-3)).toEqual([
      'simulate: station-2: kiosk restarted; the poll worker checks the pending ballots against the paper in the printer',
      'simulate: station-2: pending ballot confirmed cast (its paper record is in the box, the receipt did not print)',
      'simulate: 19/20 ballots cast at all stations (0.0/s now, 0.5/s overall); waiting: station-2 poll worker resolving pending ballots (5 s)',
    ]);
    events.log('simulate.recovered', { stationId: 'station-2', cast: true, voided: 0 });
    progress.ballotCast();
    advance(5);
    progress.tick();
    expect(lines.at(-1)).toBe('simulate: 20/20 ballots cast at all stations (0.2/s now, 0.5/s overall)');
  });

  it('prints printer faults, and a station waiting for its printer says so', () => {
    const { progress, lines, advance } = day(6);
    const events = progress.stationEvents;
    events.log('simulate.paper-running-out', { stationId: 'station-1', voter: 3, lines: 12 });
    events.log('simulate.paper-loaded', { stationId: 'station-1' });
    events.log('simulate.printer-waiting', { stationId: 'station-1', state: 'disconnected' });
    events.log('simulate.printer-waiting', { stationId: 'station-3', state: 'paper-out' });
    advance(4);
    progress.tick();
    expect(lines).toEqual([
      "simulate: fault: station-1: the printer's roll will run out after 12 lines (voter 3)",
      'simulate: station-1: the poll worker loaded a new roll',
      'simulate: 0/6 ballots cast at all stations (0.0/s now, 0.0/s overall); waiting: station-1 waiting for its printer (disconnected) (4 s); station-3 waiting for its printer (paper-out) (4 s)',
    ]);
    events.log('simulate.printer-ready', { stationId: 'station-1' });
    events.log('simulate.printer-ready', { stationId: 'station-3' });
    progress.tick();
    expect(lines.at(-1)).not.toContain('waiting');
  });
});

describe('urna simulate: the guardian processes', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'urna-sim-guardian-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("does not pass on a guardian's advice about folders the simulation deletes; shows it when the command fails", async () => {
    mkdirSync(path.join(dir, 'messages'));
    let shown = '';
    const echo = (text: string) => (shown += text);
    const args = [
      'guardian',
      'init',
      '--guardians',
      '3',
      '--threshold',
      '2',
      '--index',
      '1',
      '--base-hash',
      'A'.repeat(43),
      '--messages',
      path.join(dir, 'messages'),
    ];
    const code = await runGuardianProcess(
      [...args, '--state', path.join(dir, 'guardian-1')],
      'a passphrase of the first guardian',
      echo,
    );
    expect(code).toBe(0);
    expect(shown).toBe('');
    const again = await runGuardianProcess(
      [...args, '--state', path.join(dir, 'guardian-1')],
      'a passphrase of the first guardian',
      echo,
    );
    expect(again).not.toBe(0);
    expect(shown).toMatch(/^urna: /);
  }, 60_000);
});
