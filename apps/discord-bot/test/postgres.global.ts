// One real PostgreSQL server for the whole run (the multi-host test and the store's start-up
// errors); each test file creates its own database on it.
import { startPostgres } from '@troupe/store/testing';
import type { TestProject } from 'vitest/node';

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
