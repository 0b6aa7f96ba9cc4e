export { createTestDatabase } from './databases.ts';
export { guildInShard } from './guild-ids.ts';
export { type PostgresServer, type StartPostgresOptions, startPostgres } from './postgres-server.ts';
export { harnessPerTest, type MakeStoreHarness, type StoreHarness, storeContract } from './store-contract.ts';
