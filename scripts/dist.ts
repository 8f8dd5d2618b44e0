/**
 * `npm run dist`: builds the kiosk, then packages it with electron-builder (AppImage
 * and deb). electron-builder downloads Electron's release zip and its packaging tools
 * (appimage, fpm) from GitHub unless its caches hold them; without network it used to
 * end in a Go and a JavaScript stack trace. Here its output is shown without stack
 * frames (all of it is kept in release/electron-builder.log), and a failed download
 * is explained: what was fetched from where, and how to package offline.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** A line of a Go or JavaScript stack trace, as app-builder and electron-builder print them. */
export function isStackFrame(line: string): boolean {
  return (
    /^\s+at\s/.test(line) || // JavaScript: "    at ChildProcess.<anonymous> (…)"
    /^\s+\S+\.(?:go|s):\d+(?: \+0x[0-9a-f]+)?$/.test(line) || // Go: "\t/…/downloader.go:206"
    /^(?:github\.com|golang\.org)\/\S+$/.test(line) || // Go: "github.com/develar/app-builder/pkg/download.(*Downloader).follow"
    /^(?:runtime|main)\.\S+$/.test(line)
  );
}

const NETWORK_ERRORS =
  /dial tcp|lookup \S+|no such host|getaddrinfo|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network is unreachable|connection refused|i\/o timeout|proxyconnect|TLS handshake timeout/i;

/** The address electron-builder failed to download, when its output says a download failed for want of network. */
export function failedDownload(output: string): string | undefined {
  for (const line of output.split('\n')) {
    if (!NETWORK_ERRORS.test(line)) continue;
    const url = /https?:\/\/[^\s"':]+(?::\d+)?[^\s"':]*/.exec(line);
    if (url !== null) return url[0];
    const host = /(?:lookup|ENOTFOUND|EAI_AGAIN) ([\w.-]+)/.exec(line);
    if (host?.[1] !== undefined) return host[1];
  }
  return undefined;
}

/** What to tell the person when a download failed. */
export function offlineAdvice(what: string, logFile = 'release/electron-builder.log'): string {
  return [
    `npm run dist: electron-builder could not download ${what}: this machine cannot reach it.`,
    'Packaging needs, once, files that electron-builder keeps in its caches afterwards:',
    "  - Electron's release zip (electron-v<version>-linux-x64.zip, github.com/electron/electron/releases), in ~/.cache/electron/;",
    '  - its packaging tools (appimage, fpm; github.com/electron-userland/electron-builder-binaries), in ~/.cache/electron-builder/.',
    'Run `npm run dist` once on a machine with network, or copy those two folders from one where it ran',
    '(same user cache paths, or point ELECTRON_CACHE and ELECTRON_BUILDER_CACHE at the copies);',
    'behind a mirror set ELECTRON_MIRROR and ELECTRON_BUILDER_BINARIES_MIRROR.',
    `electron-builder's whole output: ${logFile}`,
  ].join('\n');
}

function run(
  command: string,
  args: readonly string[],
  onLine?: (line: string, stream: NodeJS.WriteStream) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: onLine === undefined ? 'inherit' : ['inherit', 'pipe', 'pipe'] });
    if (onLine !== undefined) {
      const split = (stream: NodeJS.WriteStream) => {
        let pending = '';
        return (chunk: Buffer) => {
          pending += chunk.toString('utf8');
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) onLine(line, stream);
        };
      };
      child.stdout?.on('data', split(process.stdout));
      child.stderr?.on('data', split(process.stderr));
    }
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
}

/**
 * Runs electron-builder (`builderCli`, a Node script) with `args`: its lines without
 * stack frames to this process's stdout and stderr, all of them to
 * `logDir`/electron-builder.log, and on failure one explanation. Returns its exit code.
 */
export async function runElectronBuilder(
  args: readonly string[],
  builderCli = require.resolve('electron-builder/cli.js'),
  logDir = 'release',
): Promise<number> {
  const log: string[] = [];
  let hidden = 0;
  const code = await run(process.execPath, [builderCli, ...args], (line, stream) => {
    log.push(line);
    if (isStackFrame(line)) hidden += 1;
    else stream.write(`${line}\n`);
  });
  mkdirSync(logDir, { recursive: true });
  writeFileSync(path.join(logDir, 'electron-builder.log'), `${log.join('\n')}\n`);
  if (code === 0) return 0;
  const download = failedDownload(log.join('\n'));
  const explained =
    download === undefined
      ? `npm run dist: electron-builder failed (exit ${code}); the ${hidden} stack-trace lines left out above are in ${logDir}/electron-builder.log`
      : offlineAdvice(download, `${logDir}/electron-builder.log`);
  process.stderr.write(`\n${explained}\n`);
  return code;
}

async function main(args: readonly string[]): Promise<number> {
  const built = await run(process.execPath, [path.resolve('scripts/build.mjs')]);
  if (built !== 0) return built;
  return runElectronBuilder(['--config', 'electron-builder.yml', ...args]);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
