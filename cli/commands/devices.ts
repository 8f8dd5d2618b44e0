import type { Command } from 'commander';
import { listSerialPorts, probePort } from '../../hardware/devices';
import type { ProbeResult } from '../../hardware/devices';
import { hardwareMessages } from '../../core/i18n/hardware';

/** `urna devices [--port PATH…]`: list serial ports and say what answers on each. */
export function register(program: Command): void {
  program
    .command('devices')
    .description('list serial ports and probe each for a receipt printer or a card reader')
    .option('--port <path...>', 'probe these paths too (pseudo-terminals are not listed by the system)')
    .option('--json', 'print one JSON object per port')
    .option('--timeout <ms>', 'how long to wait for each answer', '500')
    .action(async (options: { port?: string[]; json?: boolean; timeout: string }) => {
      const listed = (await listSerialPorts()).map((port) => port.path);
      const paths = [...new Set([...(options.port ?? []), ...(options.port ? [] : listed)])];
      if (paths.length === 0) process.stdout.write('no serial ports found\n');
      for (const path of paths) {
        const result = await probePort(path, Number(options.timeout) || 500);
        process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${describe(result)}\n`);
      }
    });
}

function describe(result: ProbeResult): string {
  switch (result.kind) {
    case 'printer':
      return `${result.path}\tprinter\t${result.status.state}\t${hardwareMessages.en.printer[result.status.state]}`;
    case 'card-reader':
      return `${result.path}\tcard reader\t${result.status.state}\t${hardwareMessages.en.cardReader[result.status.state]}`;
    case 'unknown':
      return `${result.path}\tunknown\t${result.detail}`;
  }
}
