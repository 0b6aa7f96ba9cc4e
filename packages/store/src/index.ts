// Public surface of @troupe/store: explicit re-exports only, no logic.
export { LeaseKeeper, type LeaseKeeperOptions, type LeaseLoss } from './lease-keeper.ts';
export { type OpenStoreOptions, openStore } from './open-store.ts';
export { PG_MIGRATIONS } from './postgres/pg-migrations.ts';
export { openPostgresStore, type PostgresStoreOptions, redactDatabaseUrl } from './postgres/pg-store.ts';
export { SQLITE_MIGRATIONS } from './sqlite/sqlite-migrations.ts';
export { openSqliteStore } from './sqlite/sqlite-store.ts';
export type { StoreLog } from './state-cache.ts';
export type * from './types.ts';
export { UsageMeter } from './usage-meter.ts';
export { StoreInputError, shardOf, utcDay } from './validate.ts';
