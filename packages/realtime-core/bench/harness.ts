// Interleaved round-robin timing: every candidate runs once per round, so machine noise
// hits them alike; the figure is the median over rounds.

export interface Candidate {
  name: string;
  /** Processes one 20 ms frame. */
  run(): void;
}

export function timeInterleaved(
  candidates: Candidate[],
  framesPerRound: number,
  rounds: number,
): Map<string, number> {
  for (const c of candidates) for (let i = 0; i < framesPerRound; i++) c.run(); // warm-up
  const samples = new Map<string, number[]>(candidates.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of candidates) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < framesPerRound; i++) c.run();
      samples.get(c.name)!.push(Number(process.hrtime.bigint() - t0) / 1000 / framesPerRound);
    }
  }
  return new Map([...samples].map(([name, v]) => [name, median(v)]));
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Prints an aligned table. */
export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toFixed(1) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  console.log(`\n${title}`);
  for (const [n, r] of cells.entries()) {
    console.log(
      r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  '),
    );
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

/** A speech-like test signal: harmonics of a gliding fundamental under a syllable envelope. */
export function speechLike(rate: number, seconds: number, channels: 1 | 2): Int16Array {
  const n = Math.round(rate * seconds);
  const out = new Int16Array(n * channels);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const f0 = 140 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * f0) / rate;
    let v = 0;
    for (let h = 1; h <= 20 && h * f0 < rate / 2; h++) v += Math.sin(h * phase) / h;
    const env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
    const s = Math.round(6000 * env * v);
    for (let c = 0; c < channels; c++) out[i * channels + c] = s;
  }
  return out;
}
