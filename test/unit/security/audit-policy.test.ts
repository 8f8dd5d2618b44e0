/**
 * The dependency audit policy (scripts/audit.mjs, run by .ci/run): a high or
 * critical advisory in a production dependency fails, a critical one anywhere
 * fails, moderate ones are reported only, and an unreachable audit service is
 * a loud warning (a failure with URNA_AUDIT_REQUIRED=1). `npm` is replaced by a
 * stand-in on PATH that answers with a canned `npm audit --json` report.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const work = mkdtempSync(path.join(tmpdir(), 'urna-audit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Vulnerability = { severity: string; via: { source: number; title: string }[] };
const report = (vulnerabilities: Record<string, Vulnerability>) => ({
  vulnerabilities,
  metadata: { vulnerabilities: {} },
});
const advisory = (severity: string, title: string): Vulnerability => ({
  severity,
  via: [{ source: 1000 + title.length, title }],
});

function runAudit(production: unknown, all: unknown, env: Record<string, string> = {}) {
  const bin = mkdtempSync(path.join(work, 'bin-'));
  writeFileSync(path.join(bin, 'production.json'), JSON.stringify(production));
  writeFileSync(path.join(bin, 'all.json'), JSON.stringify(all));
  const npm = path.join(bin, 'npm');
  writeFileSync(
    npm,
    `#!/bin/sh\ncase "$*" in *--omit=dev*) cat "${bin}/production.json";; *) cat "${bin}/all.json";; esac\n`,
  );
  chmodSync(npm, 0o755);
  return spawnSync(process.execPath, [path.resolve('scripts/audit.mjs')], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}`, URNA_AUDIT_REQUIRED: '', ...env },
  });
}

describe('npm audit policy', () => {
  it('passes with only moderate advisories, and reports them', () => {
    const moderate = report({ 'some-lib': advisory('moderate', 'prototype pollution in a corner') });
    const result = runAudit(moderate, moderate);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('policy holds');
  });

  it('fails on a high advisory in a production dependency', () => {
    const high = report({ fastify: advisory('high', 'request smuggling') });
    const result = runAudit(high, high);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('fastify (high): request smuggling');
  });

  it('reports but passes a high advisory in a development tool; fails on a critical one', () => {
    const none = report({});
    expect(runAudit(none, report({ vite: advisory('high', 'dev server file read') })).status).toBe(0);
    const critical = runAudit(none, report({ 'electron-builder': advisory('critical', 'code execution') }));
    expect(critical.status).toBe(1);
    expect(critical.stderr).toContain('electron-builder (critical)');
  });

  it('warns loudly when the audit service cannot be reached, and fails then if required', () => {
    const down = { message: '405 Method Not Allowed', error: { summary: '' } };
    const soft = runAudit(down, down);
    expect(soft.status).toBe(0);
    expect(soft.stderr).toContain('npm audit could not run: 405 Method Not Allowed');
    expect(runAudit(down, down, { URNA_AUDIT_REQUIRED: '1' }).status).toBe(1);
  });
});
