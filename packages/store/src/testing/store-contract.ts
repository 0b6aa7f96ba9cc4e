import { afterEach } from 'vitest';
import type { Store } from '../types.ts';
import { leaseContract } from './contract/leases.ts';
import { sceneMemoryContract } from './contract/scene-memory.ts';
import { settingsPersonasContract } from './contract/settings-personas.ts';
import { usageOptOutContract } from './contract/usage-optouts.ts';

/** One database for one test, and a way to open it again as another host would. */
export interface StoreHarness {
  /** Opened on a fresh, empty database. */
  store: Store;
  /** Another store instance on the same database (a second host, or a restart). */
  openPeer(): Promise<Store>;
  /** Closes every instance and removes the database. */
  dispose(): Promise<void>;
}

export type MakeStoreHarness = () => Promise<StoreHarness>;

/** Gives each test a fresh harness and disposes of it afterwards. */
export function harnessPerTest(make: MakeStoreHarness): () => Promise<StoreHarness> {
  const open: StoreHarness[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.dispose()));
  });
  return async () => {
    const h = await make();
    open.push(h);
    return h;
  };
}

/**
 * What every Store implementation must do, run against each backend. Cross-host cache
 * invalidation needs a notification channel and is tested where one exists (PostgreSQL).
 */
export function storeContract(name: string, make: MakeStoreHarness): void {
  settingsPersonasContract(name, make);
  usageOptOutContract(name, make);
  leaseContract(name, make);
  sceneMemoryContract(name, make);
}
