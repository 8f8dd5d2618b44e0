import type { Command } from 'commander';

/**
 * Each command group lives in its own module and registers itself; the table below
 * names the groups in the order the top-level help lists them, and loads a group's
 * module only when that command runs (cli/urna.ts), so a command does not pay for
 * the others' imports.
 */
export type CommandModule = { register(program: Command): void };
export type CommandGroup = { readonly name: string; load(): Promise<CommandModule> };

export const commandGroups: readonly CommandGroup[] = [
  { name: 'keys', load: () => import('./keys') },
  { name: 'guardian', load: () => import('./guardian') },
  { name: 'election', load: () => import('./election') },
  { name: 'station', load: () => import('./station') },
  { name: 'sim', load: () => import('./sim') },
  { name: 'devices', load: () => import('./devices') },
  { name: 'log', load: () => import('./log') },
  { name: 'validator', load: () => import('./validator') },
  { name: 'record', load: () => import('./record') },
  { name: 'tally', load: () => import('./tally') },
  { name: 'verify', load: () => import('./verify') },
  { name: 'lookup', load: () => import('./lookup') },
  { name: 'reconcile', load: () => import('./reconcile') },
  { name: 'audit', load: () => import('./audit') },
  { name: 'simulate', load: () => import('./simulate') },
];

/** Registers every group (the top-level help from the sources, an unknown command's suggestions). */
export async function registerCommands(program: Command): Promise<void> {
  const modules = await Promise.all(commandGroups.map((group) => group.load()));
  for (const module of modules) module.register(program);
}
