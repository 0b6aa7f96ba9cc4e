// Secret scan: fails the run when a test token or API key shows up in anything the suite wrote.
//
// During the bot's test runs (scripts/secret-capture.global.ts), every bot logger
// writes its redacted lines, and every discord-sim writes what the bot sent it (replies, edits,
// messages, transcripts), into a capture directory, each next to a `*.secrets` naming the
// token/key values in use. This scans every captured file, plus each package's turbo test log
// (the whole stdout/stderr of its test run, error messages included) and vitest JSON results,
// for those values: raw, base64 (any alignment, standard or URL-safe) and percent-encoded.
// Webhook and interaction tokens are secrets too: the emulator notes the ones it issued, and any
// Discord webhook or interaction URL with a token in clear counts as a leak whatever issued it.
// Findings name the file, line and secret label, never the value.
//
//   node scripts/secret-scan.ts [--dir <capture dir>] [--require-capture] [extra files...]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export interface Secret {
  label: string;
  value: string;
}

export interface Finding {
  file: string;
  line: number;
  label: string;
  form: string;
}

export interface ScanReport {
  files: number;
  bytes: number;
  secrets: number;
  /** Secrets shorter than {@link MIN_SECRET_LENGTH}: too short to search for without false hits. */
  skipped: number;
  findings: Finding[];
}

export const MIN_SECRET_LENGTH = 8;
export const DEFAULT_CAPTURE_DIR = resolve(import.meta.dirname, '../tmp/test-capture');
/** Environment variable naming the capture directory (the bot's logger and discord-sim write there). */
export const CAPTURE_DIR_ENV = 'TROUPE_TEST_CAPTURE_DIR';

/**
 * Every form in which `value` could appear. Base64 of a secret embedded in a longer string
 * depends on its byte offset mod 3, so for each offset only the characters fully determined by
 * the secret's own bytes are kept.
 */
export function secretForms(value: string): { form: string; text: string }[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms = new Map<string, string>([[value, 'raw']]);
  for (let offset = 0; offset < 3; offset++) {
    const b64 = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const inner = b64.slice(start, end);
    if (!forms.has(inner)) forms.set(inner, `base64 (offset ${offset})`);
    const url = inner.replace(/\+/g, '-').replace(/\//g, '_');
    if (!forms.has(url)) forms.set(url, `base64url (offset ${offset})`);
  }
  const percent = encodeURIComponent(value);
  if (!forms.has(percent)) forms.set(percent, 'percent-encoded');
  return [...forms].map(([text, form]) => ({ form, text }));
}

/** Where any secret appears in `text`. */
export function scanText(
  text: string,
  secrets: readonly Secret[],
): { label: string; form: string; index: number }[] {
  const hits: { label: string; form: string; index: number }[] = [];
  for (const s of secrets) {
    if (s.value.length < MIN_SECRET_LENGTH) continue;
    for (const { form, text: needle } of secretForms(s.value)) {
      for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) {
        hits.push({ label: s.label, form, index: i });
      }
    }
  }
  return hits;
}

/**
 * Tokens no secrets list can name: a webhook URL (`/webhooks/{id}/{token}`, also an interaction's
 * `/webhooks/{app id}/{interaction token}/…`) or an interaction callback URL
 * (`/interactions/{id}/{token}/callback`) with its token in clear. The bot's logger writes them
 * as `[REDACTED]`; the emulator's request log as `:token`.
 */
const URL_TOKEN = /\/(?:webhooks|interactions)\/\d{5,20}\/(?!\[REDACTED\]|:token)[\w.-]{20,}/g;

/** Where a webhook or interaction token appears in clear inside a Discord URL. */
export function scanUrlTokens(text: string): { label: string; form: string; index: number }[] {
  return [...text.matchAll(URL_TOKEN)].map((m) => ({
    label: 'webhook or interaction token in a URL',
    form: 'url path',
    index: m.index ?? 0,
  }));
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/**
 * Secrets noted in `*.secrets` files (JSON; the extension keeps linters and formatters away from
 * them) under `dir`, de-duplicated by value.
 */
export function loadSecrets(dir: string): Secret[] {
  const byValue = new Map<string, Secret>();
  for (const file of walk(dir).filter((f) => f.endsWith('.secrets'))) {
    const list = JSON.parse(readFileSync(file, 'utf8')) as Secret[];
    for (const s of list) if (typeof s.value === 'string' && !byValue.has(s.value)) byValue.set(s.value, s);
  }
  return [...byValue.values()];
}

/** Scans every captured file under `dir` (secrets files excepted) and `extraFiles` that exist. */
export function scanCapture(dir: string, extraFiles: readonly string[] = []): ScanReport {
  const secrets = loadSecrets(dir);
  const files = [...walk(dir).filter((f) => !f.endsWith('.secrets')), ...extraFiles.filter(existsSync)];
  const report: ScanReport = {
    files: 0,
    bytes: 0,
    secrets: secrets.filter((s) => s.value.length >= MIN_SECRET_LENGTH).length,
    skipped: secrets.filter((s) => s.value.length < MIN_SECRET_LENGTH).length,
    findings: [],
  };
  for (const file of files) {
    if (!statSync(file).isFile()) continue;
    const text = readFileSync(file, 'utf8');
    report.files++;
    report.bytes += text.length;
    for (const hit of [...scanText(text, secrets), ...scanUrlTokens(text)]) {
      const line = text.slice(0, hit.index).split('\n').length;
      report.findings.push({ file, line, label: hit.label, form: hit.form });
    }
  }
  return report;
}

/** Per-package test output turbo keeps (full stdout/stderr) and vitest's JSON results. */
export function testOutputFiles(root: string): string[] {
  const out: string[] = [];
  for (const group of ['apps', 'packages']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const pkg of readdirSync(base)) {
      out.push(join(base, pkg, '.turbo', 'turbo-test.log'), join(base, pkg, '.vitest-results.json'));
    }
  }
  return out.filter(existsSync);
}

export function formatReport(r: ScanReport, root = process.cwd()): string {
  const head = `secret scan: ${r.files} files, ${(r.bytes / 1024 / 1024).toFixed(1)} MiB, ${r.secrets} secret values${
    r.skipped ? ` (${r.skipped} shorter than ${MIN_SECRET_LENGTH} chars not searched)` : ''
  }: ${r.findings.length === 0 ? 'clean' : `${r.findings.length} LEAK(S)`}`;
  const lines = r.findings
    .slice(0, 50)
    .map((f) => `  ${relative(root, f.file)}:${f.line}: ${f.label} (${f.form})`);
  if (r.findings.length > 50) lines.push(`  … and ${r.findings.length - 50} more`);
  return [head, ...lines].join('\n');
}

function main(argv: string[]): number {
  const root = resolve(import.meta.dirname, '..');
  let dir = DEFAULT_CAPTURE_DIR;
  let requireCapture = false;
  const extra: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--dir') dir = resolve(argv[++i] ?? '');
    else if (a === '--require-capture') requireCapture = true;
    else extra.push(resolve(a));
  }
  const report = scanCapture(dir, [...testOutputFiles(root), ...extra]);
  process.stdout.write(`${formatReport(report, root)}\n`);
  if (requireCapture && report.secrets === 0) {
    process.stderr.write(
      `secret scan: no secrets were captured in ${relative(root, dir)}, so nothing was checked. Run the bot's tests (pnpm test) first; if they ran, the capture (TROUPE_TEST_CAPTURE_DIR, see scripts/secret-capture.global.ts) is broken.\n`,
    );
    return 1;
  }
  return report.findings.length > 0 ? 1 : 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
