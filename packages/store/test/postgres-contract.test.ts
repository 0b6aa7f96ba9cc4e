import { beforeAll } from 'vitest';
import { storeContract } from '../src/testing/store-contract.ts';
import { freshDatabase, postgresHarness } from './pg-harness.ts';

let make: ReturnType<typeof postgresHarness> | undefined;
beforeAll(async () => {
  make = postgresHarness(await freshDatabase());
});

storeContract('postgres', () => make!());
