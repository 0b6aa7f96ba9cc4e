// Shared bench helpers: interleaved round-robin timing (every candidate runs once per round, so
// machine noise hits them alike; the figure is the median over rounds),
// percentiles, tables, and the one-JSON-line-per-benchmark output the root `pnpm bench` collects.

/** One thing to time; `run()` processes `framesPerRun` 20 ms frames. */
export interface Candidate {
  name: string;
  framesPerRun?: number;
  run(): void;
}

/** Median µs per 20 ms frame for each candidate after a warm-up round. */
export function timeInterleaved(
  candidates: Candidate[],
  runsPerRound: number,
  rounds: number,
): Map<string, number> {
  for (const c of candidates) for (let i = 0; i < runsPerRound; i++) c.run();
  const samples = new Map<string, number[]>(candidates.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of candidates) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < runsPerRound; i++) c.run();
      const us = Number(process.hrtime.bigint() - t0) / 1000;
      samples.get(c.name)?.push(us / (runsPerRound * (c.framesPerRun ?? 1)));
    }
  }
  return new Map([...samples].map(([name, v]) => [name, percentile(v, 50)]));
}

/** Nearest-rank percentile (p in 0..100); NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  if (p === 50 && s.length % 2 === 0) return ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx] ?? Number.NaN;
}

/** Prints an aligned table; numbers get `digits` decimals. */
export function printTable(title: string, header: string[], rows: (string | number)[][], digits = 1): void {
  const fmt = (c: string | number): string =>
    typeof c === 'number' ? (Number.isNaN(c) ? '-' : c.toFixed(digits)) : c;
  const cells = [header, ...rows.map((r) => r.map(fmt))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  console.log(`\n${title}`);
  for (const [n, r] of cells.entries()) {
    console.log(
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '),
    );
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

/** The machine-readable line for one benchmark. */
export function printJson(bench: string, fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench, ...fields }));
}

/** Rounds to 0.1 for JSON output. */
export function r1(x: number): number {
  return Math.round(x * 10) / 10;
}
