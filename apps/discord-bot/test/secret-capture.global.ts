// vitest globalSetup: gives this run a fresh secret-scan capture directory (every bot logger and
// discord-sim of the run writes into it, see src/logger.ts withTestCapture and discord-sim's
// capture.ts), and scans it when the run ends: a leaked token or key fails the run. The root
// `pnpm test` scans once more afterwards, adding each package's full test output.
import { mkdirSync, rmSync } from 'node:fs';
import { DEFAULT_CAPTURE_DIR, formatReport, scanCapture } from '../../../scripts/secret-scan.ts';
import { CAPTURE_DIR_ENV } from '../src/logger.ts';

export default function setup(): () => void {
  const dir = process.env[CAPTURE_DIR_ENV] ?? DEFAULT_CAPTURE_DIR;
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
