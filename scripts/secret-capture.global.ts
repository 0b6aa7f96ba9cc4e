// vitest globalSetup shared by every package whose tests run the bot: gives this package's run a
// fresh secret-scan capture directory (every bot logger and discord-sim of the run writes into it,
// see withTestCapture in packages/discord/src/logger.ts and packages/discord-sim/src/capture.ts),
// and scans it when the run ends: a leaked token or key fails the run. Each package gets its own
// subdirectory of the capture root, so the root `pnpm test` can scan all of them once more
// afterwards, adding each package's full test output.
import { mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CAPTURE_DIR_ENV, DEFAULT_CAPTURE_DIR, formatReport, scanCapture } from './secret-scan.ts';

export default function setup(): () => void {
  const dir = process.env[CAPTURE_DIR_ENV] ?? join(DEFAULT_CAPTURE_DIR, basename(process.cwd()));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Test workers start after global setup and inherit this.
  process.env[CAPTURE_DIR_ENV] = dir;
  return () => {
    const report = scanCapture(dir);
    if (report.findings.length === 0) return;
    // vitest only prints a teardown error; the exit code is what fails CI.
    process.exitCode = 1;
    throw new Error(formatReport(report));
  };
}
