import type { Command } from 'commander';
import * as keys from './keys';
import * as guardian from './guardian';
import * as election from './election';
import * as station from './station';
import * as sim from './sim';
import * as devices from './devices';
import * as log from './log';
import * as validator from './validator';
import * as record from './record';
import * as tally from './tally';
import * as verify from './verify';
import * as reconcile from './reconcile';
import * as audit from './audit';
import * as simulate from './simulate';

/**
 * Each command group lives in its own module and registers itself here, so the
 * top-level help lists exactly the commands that exist.
 */
type CommandModule = { register(program: Command): void };

const modules: readonly CommandModule[] = [keys, guardian, election, station, sim, devices, log, validator, record, tally, verify, reconcile, audit, simulate];

export function registerCommands(program: Command): void {
  for (const module of modules) module.register(program);
}
