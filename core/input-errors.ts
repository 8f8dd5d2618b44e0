/**
 * Files that people write by hand — the officials' paper counts, the auditors'
 * readings, a validator's config, the simulator's card set — are checked against a
 * zod schema. When one does not match, the person hears one plain message: which
 * file, what kind of file it should be and where its format is published, and each
 * problem by field and what was expected. The field sentences are the election
 * definition's (zodIssuesToElectionErrors), so every input reads alike and no zod
 * dump reaches a person.
 */
import type { z } from 'zod';
import { zodIssuesToElectionErrors } from './election/definition';
import { err, ok, type Result } from './result';

/** One kind of hand-written input file. */
export type InputFormat<T> = {
  /** docs/schema/input/<name>.schema.json, docs/examples/<name>.json */
  readonly name: string;
  /** What a person calls it: "paper-count file". */
  readonly what: string;
  readonly schema: z.ZodType<T>;
};

/** Where a format's JSON Schema is published, relative to the repository. */
export function inputSchemaPath(name: string): string {
  return `docs/schema/input/${name}.schema.json`;
}

/** The message for a file that does not match its format: the file, the format, each field. */
export function describeInputErrors(
  file: string,
  format: Pick<InputFormat<unknown>, 'name' | 'what'>,
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
): string {
  const problems = zodIssuesToElectionErrors(issues, input).map((e) => `  ${e.message.en}`);
  return [
    `${file} is not a valid ${format.what} (format: ${inputSchemaPath(format.name)}, example: docs/examples/${format.name}.json):`,
    ...problems,
  ].join('\n');
}

/** Parses a hand-written file's JSON against its format; the error is describeInputErrors's message. */
export function parseInputFile<T>(file: string, format: InputFormat<T>, input: unknown): Result<T, string> {
  const parsed = format.schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  return err(describeInputErrors(file, format, parsed.error.issues, input));
}
