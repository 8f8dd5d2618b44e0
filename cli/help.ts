/**
 * What `--help` shows for every command: each option that must be given is marked
 * "(required)", and each option with a default says it (commander's own
 * "(default: …)" for defaults it holds; the description for defaults that depend on
 * the machine, such as --lang's).
 */
import { Help, type Command, type Option } from 'commander';

/** The description of every --lang option. */
export const LANG_OPTION_HELP =
  "language of the messages: ru or en (default: the terminal's locale, LC_ALL or LANG, else en)";

const plainHelp = new Help();

function optionDescription(option: Option): string {
  const described = plainHelp.optionDescription(option);
  return option.mandatory ? `(required) ${described}` : described;
}

/** Configures the help of `program`; commands added to it afterwards inherit it. */
export function configureHelp(program: Command): Command {
  return program.configureHelp({ optionDescription });
}
