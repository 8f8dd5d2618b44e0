import type { Command } from 'commander';
import * as keys from './keys';
import * as election from './election';
import * as station from './station';
import * as sim from './sim';
import * as devices from './devices';
import * as log from './log';
import * as validator from './validator';

/**
 * Each command group lives in its own module and registers itself here, so the
 * top-level help lists exactly the commands that exist.
 */
type CommandModule = { register(program: Command): void };

const modules: readonly CommandModule[] = [keys, election, station, sim, devices, log, validator];

export function registerCommands(program: Command): void {
  for (const module of modules) module.register(program);
}
