// A CommandContext over fakes, for unit tests of the command layer: an in-memory store, the fake
// voice layer, and an announcer that records every public notice in both languages.
import { STEPFUN_VAD, stepfunProfile } from '@troupe/realtime-core';
import { ManualClock } from '@troupe/realtime-core/testing';
import { openSqliteStore, type Store } from '@troupe/store';
import { MessageFlags } from 'discord.js';
import type { CommandContext } from '../commands/context.ts';
import { GuildDiagnostics } from '../commands/diagnostics.ts';
import { routeInteraction } from '../commands/router.ts';
import { translator } from '../i18n/translate.ts';
import { SessionOwnership } from '../ownership/session-ownership.ts';
import { PersonaRegistry } from '../personas/registry.ts';
import { UsageTracker } from '../usage/usage-tracker.ts';
import { type FakeOpts, fakeInteraction } from './fake-interaction.ts';
import { FakeVoice, P, silentLogger } from './fake-voice.ts';

export interface Posted {
  channelId: string;
  en: string;
  zh: string;
}

/**
 * `store` defaults to a fresh in-memory SQLite store (closed with `close()`); pass one to share a
 * database between two contexts (two hosts). `hostId` names this host in voice session leases.
 */
export async function commandTestContext(o: { store?: Store; hostId?: string } = {}) {
  const store = o.store ?? (await openSqliteStore(':memory:'));
  const voice = new FakeVoice();
  const logger = silentLogger();
  const registry = new PersonaRegistry([P.captain, P.teller, P.buddy], store);
  const usage = new UsageTracker({
    store,
    voice,
    logger,
    notify: async () => ({}),
    setInterval: () => 0,
    clearInterval: () => {},
  });
  const clock = new ManualClock();
  const ownership = new SessionOwnership({
    store,
    hostId: o.hostId ?? 'test-host',
    ttlMs: 30_000,
    clock,
    logger,
    hasSession: (g) => voice.get(g) !== undefined,
    onLost: (g) => void voice.leave(g, 'lease-lost'),
  });
  voice.on('sessionEnded', (e) => ownership.sessionEnded(e.guildId));
  const posted: Posted[] = [];
  const retracted: string[] = [];
  /** Set to make the next announcements fail (e.g. no Send Messages). */
  const announceFailure: { error: Error | undefined } = { error: undefined };
  const card = JSON.stringify({ spec: 'chara_card_v2', data: { name: 'Elf' } });
  const ctx: CommandContext = {
    logger,
    store,
    registry,
    voice,
    usage,
    ownership,
    vadSpec: STEPFUN_VAD,
    maxCardBytes: 1024,
    importCard: (bytes, _fileName, options = {}) => {
      const data = JSON.parse(new TextDecoder().decode(bytes)) as { data: { name: string } };
      const persona = { ...P.buddy, id: data.data.name.toLowerCase(), name: data.data.name };
      return { persona: options.voice ? { ...persona, voice: options.voice } : persona, warnings: [] };
    },
    voiceCatalogue: stepfunProfile.voices,
    downloadCard: async () => new TextEncoder().encode(card),
    announce: async (_guildId, channelId, render) => {
      if (announceFailure.error) throw announceFailure.error;
      const en = render(translator('en-US'));
      posted.push({ channelId, en, zh: render(translator('zh-CN')) });
      return { retract: async () => void retracted.push(en) };
    },
    pendingJoins: new Map(),
    diagnostics: new GuildDiagnostics(),
    now: () => 0,
  };
  /** Runs a command; returns the private reply's text (it must have been deferred ephemerally). */
  const run = async (name: string, o: FakeOpts = {}) => (await runFull(name, o)).reply;
  const runFull = async (name: string, o: FakeOpts = {}) => {
    const { interaction, out } = fakeInteraction(name, o);
    await routeInteraction(ctx, interaction);
    if (out.calls[0] !== 'defer' || out.deferred?.flags !== MessageFlags.Ephemeral)
      throw new Error(`/${name} was not deferred ephemerally first (calls: ${out.calls.join(', ')})`);
    return out;
  };
  const close = async () => {
    await ownership.close();
    if (!o.store) await store.close();
  };
  return { ctx, store, voice, clock, run, runFull, posted, retracted, announceFailure, close };
}
