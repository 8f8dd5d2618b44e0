/**
 * How the kiosk was started. `--demo` runs with a demo station identity and
 * data folder; `--dev` (never in a packaged build) allows devtools and a
 * normal window.
 */
export type KioskOptions = {
  readonly demo: boolean;
  readonly dev: boolean;
  readonly dataDir: string | null;
};

export function parseKioskArgs(argv: readonly string[], isPackaged: boolean): KioskOptions {
  const dataDirArg = argv.find((a) => a.startsWith('--data-dir='));
  return {
    demo: argv.includes('--demo'),
    // Development mode is refused in a packaged build: a kiosk never opens devtools.
    dev: !isPackaged && argv.includes('--dev'),
    dataDir: dataDirArg ? dataDirArg.slice('--data-dir='.length) : null,
  };
}
