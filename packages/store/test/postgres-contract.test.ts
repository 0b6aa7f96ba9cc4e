import { beforeAll } from 'vitest';
import { storeContract } from '../src/testing/store-contract.ts';
import { freshDatabase, postgresHarness } from './pg-harness.ts';

let databaseUrl = '';
beforeAll(async () => {
  databaseUrl = await freshDatabase();
});

storeContract('postgres', () => postgresHarness(databaseUrl)());
