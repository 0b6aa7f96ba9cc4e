// `pnpm run doctor`'s output: one line per check, what was found and, when something is wrong, the fix.

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One check's verdict. `fix` is required for warn and fail: every problem says what to do. */
export type Check =
  | { name: string; status: 'ok' | 'skip'; detail: string }
  | { name: string; status: 'warn' | 'fail'; detail: string; fix: string };

const ICON: Record<CheckStatus, string> = { ok: '✔', warn: '!', fail: '✘', skip: '-' };

export const ok = (name: string, detail: string): Check => ({ name, status: 'ok', detail });
export const skip = (name: string, detail: string): Check => ({ name, status: 'skip', detail });
export const warn = (name: string, detail: string, fix: string): Check => ({
  name,
  status: 'warn',
  detail,
  fix,
});
export const fail = (name: string, detail: string, fix: string): Check => ({
  name,
  status: 'fail',
  detail,
  fix,
});

/** "✘ Discord token  rejected (401 Unauthorized) — fix: …" (one line, whatever the detail held). */
export function formatCheck(c: Check): string {
  const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ');
  const fix = c.status === 'warn' || c.status === 'fail' ? ` — fix: ${oneLine(c.fix)}` : '';
  return `${ICON[c.status]} ${c.name.padEnd(14)} ${oneLine(c.detail)}${fix}`;
}

/** The closing line and the exit code: non-zero when any check failed. */
export function summarize(checks: readonly Check[]): { line: string; exitCode: number } {
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  const failed = count('fail');
  const parts = [
    `${count('ok')} ok`,
    `${count('warn')} warning${count('warn') === 1 ? '' : 's'}`,
    `${failed} failed`,
  ];
  if (count('skip')) parts.push(`${count('skip')} skipped`);
  return {
    line: failed
      ? `doctor: ${parts.join(', ')}. Fix the ✘ lines, then run \`pnpm run doctor\` again.`
      : `doctor: ${parts.join(', ')}. Ready to run: \`pnpm deploy-commands\`, then \`pnpm start\`.`,
    exitCode: failed ? 1 : 0,
  };
}

/** Why a request never got an answer, in words: "ECONNREFUSED", "ENOTFOUND", "timed out after 8 s". */
export function networkReason(err: unknown): string {
  const e = err as {
    name?: string;
    code?: string;
    cause?: { code?: string; message?: string };
    message?: string;
  };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'no answer in time';
  return e?.cause?.code ?? e?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}
