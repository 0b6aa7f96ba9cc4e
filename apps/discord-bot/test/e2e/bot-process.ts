// The real runner (`node src/main.ts`) in a child process, as an operator runs it: its output goes
// to the secret-scan capture and can be searched; it can be killed like a crashing host.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CAPTURE_DIR_ENV } from '@troupe/discord';

const APP_DIR = resolve(import.meta.dirname, '../..');

export interface BotProcess {
  name: string;
  child: ChildProcess;
  lines: string[];
  /** The first line matching `pattern` (waits for it); rejects on timeout or exit. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the runner with exactly `env` (plus PATH, HOME and the capture dir); tracks it in `children`. */
export function spawnBot(o: {
  name: string;
  env: Record<string, string>;
  /** Where output goes when the suite's secret capture is off. */
  fallbackCaptureDir: string;
  children: ChildProcess[];
}): BotProcess {
  const capture = process.env[CAPTURE_DIR_ENV] ?? join(o.fallbackCaptureDir, 'capture');
  mkdirSync(capture, { recursive: true });
  const out = join(capture, `child-${o.name}-${process.pid}-${Date.now()}.log`);
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: APP_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      [CAPTURE_DIR_ENV]: capture,
      ...o.env,
    },
  });
  o.children.push(child);
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    appendFileSync(out, chunk);
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const last = () => lines.slice(-5).join('\n');
  return {
    name: o.name,
    child,
    lines,
    exited,
    waitFor(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find((l) => pattern.test(l));
          if (!hit) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `bot ${o.name}: no log line matching ${pattern} within ${timeoutMs} ms; last lines:\n${last()}`,
            ),
          );
        }, timeoutMs);
        if (!check()) waiters.add(check);
        void exited.then(() => {
          if (!waiters.has(check)) return;
          waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`bot ${o.name} exited before logging ${pattern}; last lines:\n${last()}`));
        });
      });
    },
  };
}

/** Kills whatever is still running (afterAll). */
export function killAll(children: readonly ChildProcess[]): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
