/**
 * `--help` of every command marks each option that must be given and states each
 * default: commander's own defaults, --lang's (the terminal's locale), and where an
 * --out writes when it is not given.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../cli/urna';
import { runUrna } from '../../support/urna-cli';

function leaves(command: Command, prefix: string[] = []): { name: string; command: Command }[] {
  const name = [...prefix, command.name()];
  if (command.commands.length === 0) return [{ name: name.join(' '), command }];
  return command.commands.flatMap((c) => leaves(c, name));
}

/** The help's line for one option (its description may wrap onto following lines). */
function optionHelp(help: string, flags: string): string {
  const lines = help.split('\n');
  const start = lines.findIndex((l) => l.trimStart().startsWith(flags));
  if (start < 0) throw new Error(`no ${flags} in\n${help}`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => /^\s{2}-/.test(l) || l.trim() === '');
  return [lines[start], ...rest.slice(0, end < 0 ? rest.length : end)].join(' ').replace(/\s+/g, ' ');
}

describe('urna --help', async () => {
  const program = await buildProgram();
  const commands = leaves(program).filter((c) => c.command.options.length > 0);

  it('covers the commands', () => {
    expect(commands.length).toBeGreaterThan(30);
  });

  it.each(commands.map((c) => [c.name, c.command] as const))(
    '%s: required options are marked, defaults stated',
    (_name, command) => {
      const help = command.helpInformation();
      for (const option of command.options) {
        const line = optionHelp(help, option.flags);
        if (option.mandatory) expect(line, line).toContain('(required)');
        else expect(line, line).not.toContain('(required)');
        if (option.defaultValue !== undefined && option.negate !== true) expect(line, line).toContain('(default:');
        if (option.long === '--lang') expect(line, line).toContain("default: the terminal's locale");
      }
    },
  );

  it('says where audit writes when --out is not given', async () => {
    expect(optionHelp((await runUrna('audit', 'start', '--help')).stdout, '--out')).toContain(
      '(default: "audit-sample.json")',
    );
    expect(optionHelp((await runUrna('audit', 'record', '--help')).stdout, '--out')).toContain(
      '(default: "audit-result.json")',
    );
    expect(optionHelp((await runUrna('election', 'sign', '--help')).stdout, '--out')).toContain(
      'default: standard output',
    );
  });

  it('marks the required options of a command loaded on its own (as bin/urna.mjs loads one group)', async () => {
    const help = (await runUrna('reconcile', '--help')).stdout;
    expect(optionHelp(help, '--record')).toContain('(required)');
    expect(optionHelp(help, '--json')).not.toContain('(required)');
  });
});
