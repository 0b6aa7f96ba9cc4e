// Test-only: the bytes of fixtures/dave/group-of-two.json (see scripts/make-dave-fixtures.ts).
import { readFileSync } from 'node:fs';

const raw = JSON.parse(
  readFileSync(new URL('../../fixtures/dave/group-of-two.json', import.meta.url), 'utf8'),
) as Record<string, string | number>;

export const groupOfTwo = {
  channelId: raw.channelId as string,
  alice: raw.alice as string,
  bob: raw.bob as string,
  hex: (field: string): Uint8Array => new Uint8Array(Buffer.from(String(raw[field]), 'hex')),
  string: (field: string): string => String(raw[field]),
  number: (field: string): number => Number(raw[field]),
};
