// Test helpers: the card fixtures as bytes, JSON and PNG (built with buildPngWithText).
import { readFileSync } from 'node:fs';
import { buildPngWithText } from '../png-text.ts';

export type FixtureName = 'v1-gardener' | 'v2-ferryman' | 'v2-zh-swordswoman' | 'v3-navigator';

export function fixtureText(name: FixtureName): string {
  return readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8');
}

export function fixtureJson(name: FixtureName): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** UTF-8 then base64, as SillyTavern writes the `chara`/`ccv3` chunks. */
export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** A PNG carrying the given cards as text chunks. */
export function cardPng(chunks: { ccv3?: unknown; chara?: unknown }, compressed = false): Uint8Array {
  const out: Record<string, string> = {};
  if (chunks.chara !== undefined) out.chara = b64(JSON.stringify(chunks.chara));
  if (chunks.ccv3 !== undefined) out.ccv3 = b64(JSON.stringify(chunks.ccv3));
  return buildPngWithText(out, { compressed });
}

export const cardBytes = (card: unknown): Uint8Array => enc(JSON.stringify(card));
