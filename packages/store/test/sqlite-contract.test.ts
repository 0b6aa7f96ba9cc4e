import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../src/sqlite/sqlite-store.ts';
import { storeContract } from '../src/testing/store-contract.ts';
import type { Store } from '../src/types.ts';

// A file, not :memory:, so that a peer opens the same database as a second process would.
storeContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'troupe-store-'));
  const path = join(dir, 'troupe.sqlite');
  const opened: Store[] = [];
  const open = async () => {
    const store = await openSqliteStore(path);
    opened.push(store);
    return store;
  };
  return {
    store: await open(),
    openPeer: open,
    async dispose() {
      await Promise.all(opened.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
