/**
 * One polling station's day, as its poll worker and voters live it: the station's
 * kiosk runs in its own process (station-process.ts) with the real drivers; its
 * printer and card reader are simulators here, on socat pseudo-terminals, so they
 * outlive a crash of the kiosk the way real devices outlive a power cut of the PC.
 *
 * The poll worker inserts the card and signs in with the PIN, opens the polls,
 * checks each voter in; the voter marks (sometimes challenges first), casts and
 * takes the receipt. With faults, the printer runs out of paper (the poll worker
 * loads a roll and reprints) and the kiosk is killed with SIGKILL around a cast;
 * after the restart the poll worker looks at what the printer actually printed and
 * confirms the pending ballot if its paper record is in the box, or voids it and
 * issues the voter a new ballot (the poll worker's reissueBallot), as after a crash
 * that came before anything was recorded.
 */
import type { BallotMarks } from '../../core/api/ballot';
import type { ApiResult, ReissueResult, StationStatus, VoterScreen } from '../../core/api/station-api';
import { lineText } from '../../hardware/sim/paper';
import type { EventLogger } from '../../core/logging';
import type { CardReaderSimulator } from '../../hardware/sim/card-reader-sim';
import type { PrinterSimulator } from '../../hardware/sim/printer-sim';
import type { VirtualCard } from '../../hardware/sim/virtual-card';
import type { SimulatedStation } from './election-setup';
import { StationGone, type StationProcess } from './station-process';
import { SeededStream, type VoterIntent } from './voters';

export type CrashMoment =
  /** Killed up to 1.5 s after the cast was asked for: before, during or after printing (under load printing takes that long). */
  | 'while-printing'
  /** The paper ran out under the cast, the ballot is pending, and then the power goes. */
  | 'paper-out'
  /** Killed after the code was shown, before the voter cast: nothing is in the ballot log. */
  | 'before-cast'
  /** Killed the moment the paper record is cut, while the receipt prints: pending, its paper in the box. */
  | 'after-paper-record';

export type StationFaultPlan = {
  readonly crashes: ReadonlyMap<number, { readonly moment: CrashMoment; readonly delayMs: number }>;
  /** Voter index → printed lines left on the roll when that voter arrives. */
  readonly paperOuts: ReadonlyMap<number, number>;
};

/** What a crash came to, once the poll worker has resolved the pending ballots. */
type AfterCrash = { readonly cast: boolean; readonly voided: number };

export const NO_FAULTS: StationFaultPlan = { crashes: new Map(), paperOuts: new Map() };

const MOMENTS: readonly CrashMoment[] = ['while-printing', 'after-paper-record', 'paper-out', 'before-cast'];

/** Which voters meet a crash or an empty roll, from the seed: about one crash per 150 voters and one empty roll per 100, at least one of each. */
export function planStationFaults(seed: string, stationId: string, voters: number): StationFaultPlan {
  const stream = new SeededStream(seed, `faults/${stationId}`);
  const pick = (count: number, taken: Set<number>): number[] => {
    const chosen: number[] = [];
    for (let tries = 0; chosen.length < count && tries < count * 50; tries++) {
      const index = stream.below(voters);
      if (!taken.has(index)) {
        taken.add(index);
        chosen.push(index);
      }
    }
    return chosen.sort((a, b) => a - b);
  };
  const taken = new Set<number>();
  const firstMoment = stream.below(MOMENTS.length);
  const crashes = new Map(
    pick(Math.max(1, Math.round(voters / 150)), taken).map(
      (index, k) =>
        [
          index,
          { moment: MOMENTS[(firstMoment + k) % MOMENTS.length] ?? 'before-cast', delayMs: stream.below(1500) },
        ] as const,
    ),
  );
  const paperOuts = new Map(
    pick(Math.max(1, Math.round(voters / 100)), taken).map((index) => [index, 5 + stream.below(56)] as const),
  );
  return { crashes, paperOuts };
}

export type StationDayStats = {
  ballotsCast: number;
  challenged: number;
  undervoted: number;
  writeIns: number;
  crashes: number;
  pendingConfirmed: number;
  pendingConfirmedWithoutReceipt: number;
  pendingVoided: number;
  /** New ballots, through the poll worker's reissueBallot, for voters whose ballot a crash voided or whose session it ended before anything was recorded. */
  ballotsReissued: number;
  paperRefills: number;
  reprints: number;
  /** Reprints refused because the printer had dropped out again (a slow machine makes the driver's status polls time out). */
  printerDropouts: number;
};

export function emptyDayStats(): StationDayStats {
  return {
    ballotsCast: 0,
    challenged: 0,
    undervoted: 0,
    writeIns: 0,
    crashes: 0,
    pendingConfirmed: 0,
    pendingConfirmedWithoutReceipt: 0,
    pendingVoided: 0,
    ballotsReissued: 0,
    paperRefills: 0,
    reprints: 0,
    printerDropouts: 0,
  };
}

export type StationDevicesSim = {
  readonly printer: PrinterSimulator;
  readonly cardReader: CardReaderSimulator;
  readonly workerCard: VirtualCard;
};

const WAIT_MS = 60_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function unwrap<T>(what: string, result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`${what} refused: ${result.error.code} ${result.error.message}`);
  return result.value;
}

export class StationDriver {
  readonly stats: StationDayStats = emptyDayStats();

  constructor(
    private readonly station: SimulatedStation,
    private readonly kiosk: StationProcess,
    private readonly devices: StationDevicesSim,
    private readonly faults: StationFaultPlan,
    private readonly logger: EventLogger,
  ) {}

  async status(): Promise<StationStatus> {
    return unwrap('getStationStatus', await this.kiosk.call<StationStatus>('getStationStatus'));
  }

  /** The worker's card goes in once and stays in the reader all day; sign in whenever the kiosk asks for the PIN. */
  async signIn(): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    let reinserted = false;
    while (Date.now() < deadline) {
      const { staff } = await this.status();
      switch (staff.state) {
        case 'signed-in':
          return;
        case 'awaiting-pin': {
          // The answer's staff view is what the next status read shows; only a refused call is an error.
          const answered = await this.kiosk.call('signIn', { pin: this.station.workerPin });
          if (!answered.ok)
            throw new Error(
              `${this.station.stationId}: signIn refused: ${answered.error.code} ${answered.error.message}`,
            );
          break;
        }
        case 'no-card':
        case 'card-refused':
          // Taken out and put back, as a poll worker does when the screen does not react.
          if (!reinserted || staff.state === 'no-card') {
            this.devices.cardReader.remove();
            await sleep(50);
            this.devices.cardReader.insert(this.devices.workerCard);
            reinserted = true;
          }
          await sleep(100);
          break;
        case 'locked':
          throw new Error(`${this.station.stationId}: the poll worker's card is locked`);
        default:
          await sleep(25);
      }
    }
    throw new Error(`${this.station.stationId}: the poll worker could not sign in within ${WAIT_MS} ms`);
  }

  /** A poll-worker call, signing in again if the kiosk signed the worker out. */
  private async staffCall<T>(method: Parameters<StationProcess['call']>[0], args: unknown = {}): Promise<T> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await this.kiosk.call<T>(method, args);
      if (result.ok) return result.value;
      if (result.error.code !== 'not-authorized')
        throw new Error(`${this.station.stationId}: ${method} refused: ${result.error.code} ${result.error.message}`);
      await this.signIn();
    }
    throw new Error(`${this.station.stationId}: ${method} stays not authorized`);
  }

  async openPolls(): Promise<void> {
    await this.signIn();
    const status = await this.status();
    if (status.pollsState === 'polls-closed-initial') await this.staffCall('openPolls');
    await this.clearPrinterFault();
  }

  async closePolls(): Promise<void> {
    await this.signIn();
    await this.staffCall('closePolls');
    // A closing report the empty roll interrupted is reprinted once paper is in.
    await this.clearPrinterFault();
  }

  /** Every voter of the station, one after the other, as they arrive. */
  async runVoters(voters: readonly VoterIntent[], onCast: () => void): Promise<void> {
    for (const voter of voters) {
      const paperLines = this.faults.paperOuts.get(voter.index);
      if (paperLines !== undefined) {
        this.logger.log('simulate.paper-running-out', {
          stationId: this.station.stationId,
          voter: voter.index,
          lines: paperLines,
        });
        this.devices.printer.runOutAfterLines(paperLines);
      }
      await this.vote(voter);
      onCast();
    }
  }

  private async vote(voter: VoterIntent): Promise<void> {
    await this.checkIn(voter.voterId);
    if (voter.challengeFirst !== null) {
      await this.commit(voter.challengeFirst.marks, voter.challengeFirst.undervoted);
      unwrap('challengeBallot', await this.kiosk.call('challengeBallot'));
      this.stats.challenged += 1;
    }
    if (voter.undervoted) this.stats.undervoted += 1;
    if (Object.keys(voter.marks.writeIns).length > 0) this.stats.writeIns += 1;
    const crash = this.faults.crashes.get(voter.index);
    let after: AfterCrash =
      crash === undefined
        ? { cast: await this.commitAndCast(voter.marks, voter.undervoted), voided: 0 }
        : await this.castThroughCrash(voter, crash);
    // After a crash voided the ballot (or none was recorded), the poll worker issues a new one.
    while (!after.cast) {
      await this.reissue(voter.voterId);
      after = { cast: await this.commitAndCast(voter.marks, voter.undervoted), voided: 0 };
    }
    this.stats.ballotsCast += 1;
  }

  private async checkIn(voterId: string): Promise<void> {
    const result = await this.staffCall<{ outcome: string; reason?: string }>('checkInVoter', {
      voterId,
      activation: 'kiosk',
    });
    if (result.outcome !== 'checked-in')
      throw new Error(`${this.station.stationId}: check-in of ${voterId} refused: ${result.reason ?? result.outcome}`);
  }

  /** The voter has no ballot (voided, or never recorded): the poll worker issues them a new one, as the desk's "issue a new ballot" button does. */
  private async reissue(voterId: string): Promise<void> {
    const result = await this.staffCall<ReissueResult>('reissueBallot', { voterId, activation: 'kiosk' });
    if (result.outcome !== 'reissued')
      throw new Error(`${this.station.stationId}: new ballot for ${voterId} refused: ${result.reason}`);
    this.stats.ballotsReissued += 1;
  }

  /**
   * The voter sends the marks; the receipt's first part prints before the code is
   * shown. If the roll runs out under it, nothing is recorded: the poll worker
   * loads paper and the voter presses again.
   */
  private async commit(marks: BallotMarks, undervoted: boolean): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const committed = await this.kiosk.call('commitBallot', { marks, undervoteAcknowledged: undervoted });
      if (committed.ok) return;
      if (committed.error.message !== 'printer-not-ready') unwrap('commitBallot', committed);
      await this.clearPrinterFault();
    }
    throw new Error(`${this.station.stationId}: the receipt's first part kept failing to print`);
  }

  /** Commit, cast, and see the printing through; true once the ballot is cast and the voter has left. */
  private async commitAndCast(marks: BallotMarks, undervoted: boolean): Promise<boolean> {
    await this.commit(marks, undervoted);
    unwrap('castBallot', await this.kiosk.call('castBallot'));
    return this.finishCast();
  }

  private async finishCast(): Promise<boolean> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const screen = await this.kiosk.request<VoterScreen>({ op: 'wait-printing' });
      if (screen.session.phase === 'cast') {
        unwrap('finishVoterSession', await this.kiosk.call('finishVoterSession'));
        return true;
      }
      if (screen.session.phase !== 'print-failed')
        throw new Error(`${this.station.stationId}: after casting the voter sees ${screen.session.phase}`);
      // The poll worker clears the printer fault and reprints the interrupted documents; the ballot is cast after that.
      await this.clearPrinterFault();
    }
    throw new Error(`${this.station.stationId}: the printer kept failing`);
  }

  /**
   * The poll worker's answer to a printer fault: a new roll if the paper is out,
   * then waiting for the printer to be ready (a driver that lost its printer
   * reconnects by itself), then the interrupted documents reprinted.
   */
  private async clearPrinterFault(): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      let status = await this.status();
      if (status.printer.state === 'paper-out' || this.devices.printer.model.faults.paper === 'out') {
        this.devices.printer.setPaper('ok');
        this.stats.paperRefills += 1;
        this.logger.log('simulate.paper-loaded', { stationId: this.station.stationId });
      }
      const deadline = Date.now() + WAIT_MS;
      let waited = false;
      while (!(status = await this.status()).printer.ready) {
        if (Date.now() > deadline)
          throw new Error(`${this.station.stationId}: the printer stays ${status.printer.state}`);
        if (!waited)
          this.logger.log('simulate.printer-waiting', {
            stationId: this.station.stationId,
            state: status.printer.state,
          });
        waited = true;
        await sleep(20);
      }
      if (waited) this.logger.log('simulate.printer-ready', { stationId: this.station.stationId });
      if (status.interruptedPrint === null) return;
      await this.signIn();
      const reprinted = await this.kiosk.call('reprintInterrupted');
      if (reprinted.ok) {
        this.stats.reprints += 1;
        return;
      }
      // The printer dropped out again between the check and the reprint: try again once it is back.
      if (reprinted.error.code !== 'wrong-state')
        throw new Error(
          `${this.station.stationId}: reprintInterrupted refused: ${reprinted.error.code} ${reprinted.error.message}`,
        );
      this.stats.printerDropouts += 1;
    }
    throw new Error(`${this.station.stationId}: the printer could not be brought back`);
  }

  /**
   * The kiosk dies around this voter's cast. Says whether the voter's ballot ended
   * up cast (before the crash, or confirmed by the poll worker after it), and how
   * many pending ballots the poll worker voided.
   */
  private async castThroughCrash(
    voter: VoterIntent,
    crash: { readonly moment: CrashMoment; readonly delayMs: number },
  ): Promise<AfterCrash> {
    const before = (await this.status()).ballots.cast;
    await this.commit(voter.marks, voter.undervoted);
    this.logger.log('simulate.crash-planned', {
      stationId: this.station.stationId,
      voter: voter.index,
      moment: crash.moment,
    });
    try {
      if (crash.moment === 'paper-out') {
        this.devices.printer.setPaper('out');
        unwrap('castBallot', await this.kiosk.call('castBallot'));
        await this.kiosk.request({ op: 'wait-printing' });
      } else if (crash.moment === 'after-paper-record') {
        const cutsBefore = this.devices.printer.receiptsCut;
        this.kiosk.call('castBallot').catch(() => undefined);
        const deadline = Date.now() + WAIT_MS;
        while (this.devices.printer.receiptsCut === cutsBefore && Date.now() < deadline) await sleep(1);
      } else if (crash.moment === 'while-printing') {
        // The request is not awaited: the power goes whenever it goes.
        this.kiosk.call('castBallot').catch(() => undefined);
        await sleep(crash.delayMs);
      }
    } catch (error) {
      if (!(error instanceof StationGone)) throw error;
    }
    await this.kiosk.kill();
    this.stats.crashes += 1;
    this.logger.log('simulate.station-killed', {
      stationId: this.station.stationId,
      voter: voter.index,
      moment: crash.moment,
    });
    if (crash.moment === 'paper-out') this.devices.printer.setPaper('ok');
    await this.kiosk.start();
    await this.signIn();
    this.logger.log('simulate.station-restarted', { stationId: this.station.stationId });
    const after = await this.resolveAfterCrash(before);
    this.logger.log('simulate.recovered', {
      stationId: this.station.stationId,
      cast: after.cast,
      voided: after.voided,
    });
    return after;
  }

  /** The poll worker's decision on each pending ballot, from the paper actually in the printer's output. */
  private async resolveAfterCrash(castBefore: number): Promise<AfterCrash> {
    const status = await this.status();
    let cast = status.ballots.cast > castBefore;
    let voided = 0;
    for (const pending of status.pendingBallots) {
      const paper = printedPaperRecord(this.devices.printer, pending.shortCode);
      if (paper.paperRecord) {
        await this.staffCall('resolvePendingBallot', { ballotId: pending.ballotId, outcome: 'cast' });
        this.stats.pendingConfirmed += 1;
        if (!paper.receipt) this.stats.pendingConfirmedWithoutReceipt += 1;
        cast = true;
      } else {
        await this.staffCall('resolvePendingBallot', {
          ballotId: pending.ballotId,
          outcome: 'void',
          reason: 'not-printed',
        });
        this.stats.pendingVoided += 1;
        voided += 1;
      }
      this.logger.log('simulate.pending-resolved', {
        stationId: this.station.stationId,
        confirmed: paper.paperRecord,
        receipt: paper.receipt,
      });
    }
    return { cast, voided };
  }
}

/**
 * What a poll worker finds at the printer for a pending ballot. The paper record
 * carries nothing that names its ballot (docs/PAPER.md), so the poll worker goes
 * by the receipt's first part, which the voter holds: it shows the pending
 * ballot's short code above the full code's QR, and was cut before the voter
 * chose. What printed after it is this ballot's: the paper record, to the end
 * and cut, then the receipt's second part, cut.
 */
export function printedPaperRecord(
  printer: PrinterSimulator,
  shortCode: string,
): { readonly paperRecord: boolean; readonly receipt: boolean } {
  const lines = printer.model.printed;
  let start = -1;
  for (let i = lines.length - 2; i >= 0; i--) {
    const line = lines[i];
    if (line?.kind === 'text' && lineText(line).trim() === shortCode && lines[i + 1]?.kind === 'qr') {
      start = i;
      break;
    }
  }
  if (start < 0) return { paperRecord: false, receipt: false };
  // Part 1 ends at the first cut, the paper record at the second, part 2 at the third.
  let cuts = 0;
  for (let i = start + 1; i < lines.length; i++) {
    if (lines[i]?.kind === 'cut') cuts += 1;
  }
  return { paperRecord: cuts >= 2, receipt: cuts >= 3 };
}
