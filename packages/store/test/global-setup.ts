// One real PostgreSQL server for the whole test run; each test file makes its own database.
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../src/testing/postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
