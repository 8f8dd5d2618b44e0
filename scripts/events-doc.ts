/**
 * docs/EVENTS.md from the event registry (core/events.ts), and a check of every
 * log call in the sources against the registry: the id is registered, the
 * fields it requires are there, no banned field is. The typecheck already refuses
 * an unregistered id; this check also reads ids the types cannot see through
 * (a property holding an id, a template) and runs on fixtures in its test
 * (test/unit/events/events-doc.test.ts).
 *
 * Usage: node --import tsx scripts/events-doc.ts [--check]
 *   writes docs/EVENTS.md; with --check, writes nothing and fails if it is out of
 *   date or a log call is wrong.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { BANNED_FIELDS, EVENT_SPECS, type EventId, type EventSpec, isEventId } from '../core/events';

export const EVENTS_DOC = 'docs/EVENTS.md';

/** The folders whose code logs events. */
export const LOGGING_DIRS = ['core', 'main', 'hardware', 'validator', 'cli', 'preload', 'renderer'] as const;

const KIND_TEXT: Record<EventSpec['kind'], string> = {
  'user-action': 'user action',
  'application-action': 'application action',
  'application-status': 'application status',
  'device-status': 'device status',
  security: 'security',
  simulation: 'simulation',
};

function areaOf(id: string): string {
  return id.startsWith('sim.') ? id.split('.').slice(0, 2).join('.') : (id.split('.')[0] ?? id);
}

/** The text of docs/EVENTS.md. */
export function renderEventsDoc(): string {
  const ids = Object.keys(EVENT_SPECS) as EventId[];
  const areas = [...new Set(ids.map(areaOf))];
  const out = [
    '# Events',
    '',
    '<!-- Generated from core/events.ts by `npm run events-doc`; a test fails when this file is out of date. Edit the registry, not this file. -->',
    '',
    `Every event the station, its device drivers, the validator and the command line can log: ${ids.length} ids. Each line of`,
    'an event log is one JSON object with `event` (the id), `time` (added by the logger) and the fields below. Ids',
    'read `area.what-happened` and never change meaning once released.',
    '',
    '**Which layer logs what.** A driver (`hardware/`) logs device facts that only it can see: connection, status',
    'changes, bytes it did not expect. The result of an operation it was asked to do goes back to its caller, and the',
    "station logs what happened to the person's request, once: a wrong PIN is `auth.pin-wrong`, not also a card",
    "reader line. A person's request (a user action) ends in one line with `outcome`: `success` or `failure`.",
    '',
    `**Never logged.** No event carries ${BANNED_FIELDS.map((f) => `\`${f}\``).join(', ')}: the log has wall-clock times and`,
    "check-ins in it, so a voter's identity, a ballot's id, code or content, or a time of the caller's own next to a",
    'ballot event would link a ballot to a voter.',
    '',
    'Kinds: *user action* (a person asked for it), *application action* (the software did it on its own), *application',
    'status*, *device status*, *security*, *simulation* (the simulators and the simulated election day only).',
  ];
  for (const area of areas) {
    out.push(
      '',
      `## ${area}`,
      '',
      '| Event | Kind | Logged in | Outcome | Fields | Meaning |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const id of ids.filter((i) => areaOf(i) === area)) {
      const spec = EVENT_SPECS[id];
      const outcome =
        spec.outcome === undefined ? '' : spec.outcome === 'either' ? '`success` or `failure`' : `\`${spec.outcome}\``;
      const fields = spec.fields.map((f) => `\`${f}\``).join(', ');
      out.push(
        `| \`${id}\` | ${KIND_TEXT[spec.kind]} | ${spec.layer}/ | ${outcome} | ${fields} | ${spec.doc.replaceAll('|', '\\|')} |`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

export type EventCallProblem = { readonly file: string; readonly line: number; readonly message: string };

/** Functions of the station that take an event id as their second argument and log it as a refusal. */
const REFUSING_FUNCTIONS = new Set(['refuse', 'wrongPhase']);
/**
 * Calls whose string arguments are translation keys, which look like event ids: t and
 * translate give a message's words, say (the audio ballot) its recorded phrases.
 */
const TRANSLATING_FUNCTIONS = new Set(['t', 'translate', 'say']);
const FILE_NAME = /\.(json|jsonl|key|vkey|sqlite|html|png|txt|md|ts)$/;
const ID_SHAPE = /^[a-z][a-z-]*(\.[a-z][a-z-]*)+$/;

function sourceFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** Problems of one log line with a literal field object (`undefined`: a spread or a variable, left to the types). */
function fieldProblems(
  id: EventId,
  fields: ts.Expression | undefined,
  implied: readonly string[],
): string[] | undefined {
  let names: string[] = [];
  if (fields !== undefined) {
    if (!ts.isObjectLiteralExpression(fields)) return undefined;
    if (
      fields.properties.some(
        (p) => ts.isSpreadAssignment(p) || (p.name !== undefined && ts.isComputedPropertyName(p.name)),
      )
    )
      return undefined;
    names = fields.properties.flatMap((p) =>
      p.name !== undefined && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? [p.name.text] : [],
    );
  }
  const present = new Set([...names, ...implied]);
  const spec = EVENT_SPECS[id];
  const problems = spec.fields.filter((f) => !present.has(f)).map((f) => `${id}: missing field "${f}"`);
  if (spec.outcome !== undefined && !present.has('outcome')) problems.push(`${id}: missing field "outcome"`);
  if (spec.outcome === undefined && present.has('outcome'))
    problems.push(`${id}: has an outcome but is not registered with one`);
  for (const banned of BANNED_FIELDS)
    if (present.has(banned)) problems.push(`${id}: carries the banned field "${banned}"`);
  return problems;
}

/** Every problem of the event ids and log calls in the `dirs` of `root`. */
export function checkEventCalls(root: string, dirs: readonly string[] = LOGGING_DIRS): EventCallProblem[] {
  const registered = Object.keys(EVENT_SPECS);
  const areas = new Set(registered.map((id) => id.split('.')[0]));
  const isPrefix = (text: string) => registered.some((id) => id.startsWith(`${text}.`));
  const problems: EventCallProblem[] = [];
  // The translation tables' keys (`report.cast`) look like ids but are not.
  const files = dirs
    .flatMap((dir) => sourceFiles(path.join(root, dir)))
    .filter((file) => !file.split(path.sep).join('/').includes('core/i18n/'));
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const relative = path.relative(root, file).split(path.sep).join('/');
    const report = (node: ts.Node, message: string) =>
      problems.push({
        file: relative,
        line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
        message,
      });
    const checkedLiterals = new Set<ts.Node>();

    const checkId = (node: ts.Expression, fields: ts.Expression | undefined, implied: readonly string[]) => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
        checkedLiterals.add(node);
        if (!isEventId(node.text)) return report(node, `${node.text}: not a registered event id (core/events.ts)`);
        for (const message of fieldProblems(node.text, fields, implied) ?? []) report(node, message);
      } else if (ts.isTemplateExpression(node)) {
        // `${device}.status-changed`: the types check the prefix; here, that some id ends so.
        const suffix = node.templateSpans.at(-1)?.literal.text ?? '';
        if (suffix.startsWith('.') && !registered.some((id) => id.endsWith(suffix)))
          report(node, `\`…${suffix}\`: no registered event id ends so (core/events.ts)`);
      }
    };

    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const name = calleeName(node);
        const callee = node.expression;
        const onConsole =
          ts.isPropertyAccessExpression(callee) &&
          ts.isIdentifier(callee.expression) &&
          (callee.expression.text === 'console' || callee.expression.text === 'Math');
        const [first, second] = node.arguments;
        if (name === 'log' && !onConsole && first !== undefined) checkId(first, second, []);
        if (name !== undefined && REFUSING_FUNCTIONS.has(name) && second !== undefined) {
          if (ts.isStringLiteral(second) && isEventId(second.text) && EVENT_SPECS[second.text].outcome !== 'failure') {
            report(second, `${second.text}: a refusal is logged under an event registered with outcome "failure"`);
          }
          // refuse() adds the reason and the failure (main/station/context.ts).
          checkId(second, undefined, ['reason', 'outcome']);
        }
        if (name !== undefined && TRANSLATING_FUNCTIONS.has(name)) return; // translation keys, not event ids
      }
      if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && !checkedLiterals.has(node)) {
        const literal = node.text;
        if (
          ID_SHAPE.test(literal) &&
          !FILE_NAME.test(literal) &&
          areas.has(literal.split('.')[0]) &&
          !isEventId(literal) &&
          !isPrefix(literal)
        ) {
          report(
            node,
            `${literal}: looks like an event id of area "${literal.split('.')[0]}" but is not registered (core/events.ts)`,
          );
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve('.');
  const problems = checkEventCalls(root);
  for (const p of problems) process.stderr.write(`${p.file}:${p.line}: ${p.message}\n`);
  const doc = renderEventsDoc();
  const file = path.join(root, EVENTS_DOC);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // A missing file is out of date like any other.
    }
    if (current !== doc) process.stderr.write(`${EVENTS_DOC} is out of date: run npm run events-doc\n`);
    if (current !== doc || problems.length > 0) process.exit(1);
  } else {
    writeFileSync(file, doc);
    process.stderr.write(`wrote ${EVENTS_DOC} (${Object.keys(EVENT_SPECS).length} events)\n`);
    if (problems.length > 0) process.exit(1);
  }
}
