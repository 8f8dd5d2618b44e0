/**
 * Runs docs/OPERATIONS.md (every `sh` block, and the election day between them) in a
 * new temporary folder and, with --write, puts each block's real output into the
 * document as the ```text block after it. The acceptance test runs the same blocks
 * (test/integration/operations/operations-doc.test.ts).
 *
 * Usage: node --import tsx scripts/operations-doc.ts [--write]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../cli/simulate/free-port';
import { DocRunner, operationsBlocks, OPERATIONS_DOC, runElectionDay } from '../test/support/operations-doc';

const write = process.argv.includes('--write');
const markdown = readFileSync(OPERATIONS_DOC, 'utf8');
const blocks = operationsBlocks(markdown);
const workDir = mkdtempSync(path.join(tmpdir(), 'urna-operations-'));
const runner = new DocRunner(workDir, [await freePort(), await freePort()]);
const outputs: string[] = [];
let failed = false;
try {
  let dayDone = false;
  for (const block of blocks) {
    if (block.afterElectionDay && !dayDone) {
      for (const line of await runElectionDay(workDir, runner.ports)) process.stderr.write(`  election day: ${line}\n`);
      dayDone = true;
    }
    process.stderr.write(`OPERATIONS.md line ${block.line}\n`);
    const run = await runner.run(block);
    process.stderr.write(run.output);
    outputs.push(run.output);
    if (run.code !== 0) {
      process.stderr.write(`block at line ${block.line} exited with ${String(run.code)}\n`);
      failed = true;
      break;
    }
  }
} finally {
  runner.stop();
  rmSync(workDir, { recursive: true, force: true });
}
if (write && !failed) {
  const lines = markdown.split('\n');
  // From the last block up, so that earlier line numbers stay right.
  for (let i = blocks.length - 1; i >= 0; i--) {
    const block = blocks[i];
    if (block === undefined) continue;
    const text = (outputs[i] ?? '').replace(/\n+$/, '');
    const shown = text === '' ? [] : ['', '```text', ...text.split('\n'), '```'];
    let closing = block.line;
    while (lines[closing] !== '```') closing++;
    if (block.outputStart !== undefined && block.outputEnd !== undefined)
      lines.splice(closing + 1, block.outputEnd - closing - 1, ...shown);
    else lines.splice(closing + 1, 0, ...shown);
  }
  writeFileSync(OPERATIONS_DOC, lines.join('\n'));
  process.stderr.write(`${OPERATIONS_DOC}: outputs written\n`);
}
process.exitCode = failed ? 1 : 0;
