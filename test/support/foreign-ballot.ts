/**
 * "A ballot already in the log" for a station that never opened its polls: a
 * real, signed `ballot-pending` entry made by another station of the same
 * sample election, whose print never finished. Tests write it into a fresh
 * station's ballot log to prove that opening is refused over it.
 */
import type { LedgerEntry } from '../../core/ledger/entries';
import { MemoryPrinter } from './memory-printer';
import { startTestStation, POLL_WORKER } from './station';
import { castBallot, commitBallot } from '../../main/station/casting';
import { activateVoterSession } from '../../main/station/check-in';
import { openPolls } from '../../main/station/polls';

export async function pendingBallotFromAnotherStation(precinctId = 'uik-1202'): Promise<LedgerEntry> {
  const printer = new MemoryPrinter();
  const donor = startTestStation({ stationId: 'st-donor', sampleElection: true, precinctId, ballotPrinter: printer });
  const step = (what: string, result: { readonly ok: boolean }): void => {
    if (!result.ok) throw new Error(`the donor station could not ${what}`);
  };
  step('open the polls', await openPolls(donor.context, POLL_WORKER));
  step('activate a voter session', activateVoterSession(donor.context, { ballotStyleId: 'style-district-1' }));
  step(
    'commit a ballot',
    await commitBallot(donor.context, {
      marks: { selections: { 'charter-amendment': ['charter-yes'] }, writeIns: {} },
      undervoteAcknowledged: true,
    }),
  );
  // The receipt's first part printed; what the cast prints never answers.
  printer.hang();
  step('cast the ballot', castBallot(donor.context));
  const pending = donor.ledger
    .entries('ballots', 0, donor.ledger.size('ballots'))
    .find((e) => e.type === 'ballot-pending');
  // The print never answers: abandon it as a crash would, and close what reopens.
  const reopened = await donor.reopen({ crash: true });
  await reopened.close();
  if (!pending) throw new Error('the donor station wrote no ballot-pending entry');
  return pending;
}
