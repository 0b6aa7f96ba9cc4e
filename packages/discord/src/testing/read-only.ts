// Makes a file really read-only for a test, whoever runs it: permission bits stop ordinary users,
// but root ignores them, so as root the file is made immutable (chattr +i) instead.
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync } from 'node:fs';

/** Makes `path` unwritable; returns the undo. Throws if this machine cannot make it so. */
export function makeReadOnly(path: string): () => void {
  const root = process.getuid?.() === 0;
  if (root) execFileSync('chattr', ['+i', path]);
  else chmodSync(path, 0o444);
  try {
    appendFileSync(path, '');
  } catch {
    return () => (root ? execFileSync('chattr', ['-i', path]) : chmodSync(path, 0o644));
  }
  throw new Error(`makeReadOnly: ${path} is still writable on this machine`);
}
