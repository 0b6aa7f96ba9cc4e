// Issue 7: 20 guilds spam every command, subcommand and autocomplete at once (admins and users
// without permission, garbage input, a few 429s). Every interaction must be answered within
// Discord's 3 s deadline, measured on the emulator side, and no guild may see another's state.

import { FakeVoice } from '@troupe/discord/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText } from '../../src/demo/harness.ts';
import { type FaultGuild, type FaultWorld, percentile, startFaultWorld } from './fault-world.ts';

const GUILDS = 20;
const BUILTINS = ['captain-mara', 'shuoshu-ren', 'study-buddy-lin'];
/** Interactions a guild keeps in flight at once (several members typing at the same time). */
const PER_GUILD_CONCURRENCY = 4;

let w: FaultWorld;
beforeAll(async () => {
  w = await startFaultWorld({ guilds: GUILDS, createVoice: () => new FakeVoice() });
}, 60_000);
afterAll(async () => {
  await w?.close();
});

interface Sample {
  guild: number;
  what: string;
  kind: 'command' | 'autocomplete';
  firstMs: number;
  finalMs: number;
}
const samples: Sample[] = [];

type Options = Record<string, string | number | boolean>;

function cardFile(name: string, description: string) {
  const bytes = Buffer.from(
    JSON.stringify({ spec: 'chara_card_v2', data: { name, description, first_mes: `I am ${name}.` } }),
  );
  return w.discord.attachment(`${name}.json`, bytes, 'application/json');
}

/** Runs a slash command as `user` in guild `g`; returns the final (edited) reply. */
async function slash(
  g: FaultGuild,
  user: string,
  name: string,
  sub?: string,
  options?: Options,
  attachments?: Record<string, ReturnType<typeof cardFile>>,
): Promise<string> {
  const handle = await w.discord.slash({ user, guild: g.id, channel: g.textId }, name, {
    ...(sub ? { subcommand: sub } : {}),
    ...(options ? { options } : {}),
    ...(attachments ? { attachments } : {}),
  });
  const edit = await handle.edited(1, 20_000);
  const what = `/${name}${sub ? ` ${sub}` : ''} as ${user}`;
  expect(handle.deferred, `${what} in guild ${g.index} was not deferred`).toBe(true);
  expect(handle.ephemeral, `${what} in guild ${g.index} was not ephemeral`).toBe(true);
  samples.push({
    guild: g.index,
    what,
    kind: 'command',
    firstMs: handle.timeToFirstResponseMs ?? Number.POSITIVE_INFINITY,
    finalMs: edit.atMs,
  });
  const content = messageText(handle.message);
  expect(content.length, `${what} answered with an empty message`).toBeGreaterThan(0);
  expect(content.length).toBeLessThanOrEqual(2000);
  return content;
}

/** Types `value` into the persona option; returns the offered choices. */
async function autocomplete(
  g: FaultGuild,
  name: string,
  sub: string | undefined,
  value: string | number,
  option = 'persona',
): Promise<{ name: string; value: string | number }[]> {
  const started = performance.now();
  const choices = await w.discord.autocomplete({ user: 'Pleb', guild: g.id }, name, {
    ...(sub ? { subcommand: sub } : {}),
    options: { [option]: value },
    focused: option,
  });
  const ms = performance.now() - started;
  samples.push({
    guild: g.index,
    what: `autocomplete /${name} ${sub ?? ''}`,
    kind: 'autocomplete',
    firstMs: ms,
    finalMs: ms,
  });
  expect(choices.length).toBeLessThanOrEqual(25);
  for (const c of choices) {
    expect(c.name.length).toBeGreaterThan(0);
    expect(c.name.length).toBeLessThanOrEqual(100);
    expect(String(c.value).length).toBeLessThanOrEqual(100);
  }
  return choices;
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      await task();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

const hero = (i: number) => `hero-${i}`;
const other = (g: FaultGuild) => (g.index + 1) % GUILDS;
const ADMIN_ONLY =
  /Only server admins \(Manage Server permission\) can .+ Ask an admin, or ask them to grant you Manage Server\./;
const needsRole = (g: FaultGuild) =>
  new RegExp(`needs the <@&${g.storytellerRoleId}> role\\. Ask an admin for it .*\`/settings switch-role\``);

/** What every guild configures for itself (phase 1), so leaks show up as foreign values. */
async function configure(g: FaultGuild): Promise<void> {
  const i = g.index;
  expect(await slash(g, 'Admin', 'settings', 'cap', { minutes: 10 + i })).toContain(`${10 + i} min`);
  expect(await slash(g, 'Admin', 'settings', 'default-persona', { persona: BUILTINS[i % 3]! })).toContain(
    BUILTINS[i % 3]!,
  );
  if (i % 2 === 0)
    expect(await slash(g, 'Admin', 'settings', 'switch-role', { role: g.storytellerRoleId })).toContain(
      `<@&${g.storytellerRoleId}>`,
    );
  if (i % 3 === 0)
    expect(
      await slash(g, 'Admin', 'settings', 'transcripts', { enabled: true, channel: g.textId }),
    ).toContain(`<#${g.textId}>`);
  expect(
    await slash(g, 'Admin', 'persona', 'import', undefined, {
      card: cardFile(`Hero ${i}`, `The hero of guild ${i}.`),
    }),
  ).toContain(`\`${hero(i)}\``);
  // Every guild imports a card with the same name: same id, different content per guild.
  expect(
    await slash(g, 'Admin', 'persona', 'import', undefined, {
      card: cardFile('Twin', `Twin of guild ${i}.`),
    }),
  ).toContain('`twin`');
  if (i % 2 === 1) expect(await slash(g, 'Pleb', 'voice', 'optout')).toContain('will not be sent');
}

const GARBAGE: (string | number)[] = [
  'x'.repeat(6000),
  '\u0000\u0001\u0007\u001b[31m\r\n\t\u007f',
  '🎭🧙‍♀️ 说书人 \u202Eevil\u202C Z̴̢̛a̷l̸g̶o̵ \uFEFF',
  '\uD800 lone surrogate',
  "'; DROP TABLE guild_personas; --",
  "%' OR 1=1 --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: injection-looking text on purpose
  '${process.env.DISCORD_TOKEN}',
  '{{char}} <@&everyone> @everyone',
  '../../../../etc/passwd',
  '__proto__',
  'constructor',
  42,
  '   ',
];

/** The spam (phase 2): every command and subcommand, allowed and denied, plus garbage autocomplete. */
function spam(g: FaultGuild): (() => Promise<void>)[] {
  const i = g.index;
  const foreign = hero(other(g));
  const roleGuarded = i % 2 === 0;
  const t: (() => Promise<void>)[] = [];
  const expectReply =
    (user: string, name: string, sub: string | undefined, options: Options | undefined, match: RegExp) =>
    async () => {
      expect(await slash(g, user, name, sub, options)).toMatch(match);
    };
  // Reading, in this guild only.
  t.push(async () => {
    const list = await slash(g, 'Pleb', 'persona', 'list');
    expect(list).toContain(`\`${hero(i)}\``);
    expect(list).toContain(`Twin of guild ${i}.`);
    expect(list).not.toContain(`\`${foreign}\``);
    expect(list).not.toMatch(new RegExp(`Twin of guild (?!${i}\\.)`));
  });
  t.push(expectReply('Pleb', 'persona', 'show', { persona: hero(i) }, new RegExp(`hero of guild ${i}\\.`)));
  t.push(expectReply('Pleb', 'persona', 'show', { persona: 'twin' }, new RegExp(`Twin of guild ${i}\\.`)));
  // Another guild's persona, by id and by name, through every command that takes one.
  t.push(
    expectReply('Pleb', 'persona', 'show', { persona: `Hero ${other(g)}` }, /No persona called .* here/),
  );
  {
    const persona = foreign;
    t.push(expectReply('Pleb', 'persona', 'show', { persona }, /No persona called .* here/));
    t.push(expectReply('Admin', 'persona', 'set', { persona }, /No persona called .* here/));
    t.push(expectReply('Admin', 'persona', 'remove', { persona }, /No persona called .* here/));
    t.push(expectReply('Admin', 'settings', 'default-persona', { persona }, /No persona called .* here/));
    t.push(
      expectReply('Admin', 'join', undefined, { persona, channel: g.voiceId }, /No persona called .* here/),
    );
  }
  // Garbage typed straight into the option (no autocomplete): still one clear, short answer.
  // (Two values per guild, rotating: each value is tried in several guilds, and the run stays short.)
  const typed = GARBAGE.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  for (const value of [typed[i % typed.length]!, typed[(i + 5) % typed.length]!])
    t.push(expectReply('Pleb', 'persona', 'show', { persona: value }, /No persona called .* here/));
  // Another guild's channels, passed by id.
  const elsewhere = w.guilds[other(g)]!;
  t.push(
    expectReply(
      'Admin',
      'settings',
      'transcripts',
      { enabled: true, channel: elsewhere.textId },
      /not a channel of this server/,
    ),
  );
  t.push(
    expectReply('Admin', 'join', undefined, { channel: elsewhere.voiceId }, /not a channel of this server/),
  );
  // Denials name the missing permission and how to get it.
  for (const [name, sub, options] of [
    ['settings', 'show', undefined],
    ['settings', 'cap', { minutes: 1 }],
    ['settings', 'default-persona', { persona: 'captain-mara' }],
    ['settings', 'transcripts', { enabled: false }],
    ['settings', 'switch-role', undefined],
    ['persona', 'remove', { persona: hero(i) }],
  ] as const)
    t.push(expectReply('Pleb', name, sub, options, ADMIN_ONLY));
  t.push(async () => {
    const reply = await slash(g, 'Pleb', 'persona', 'import', undefined, { card: cardFile('Sneaky', 'x') });
    expect(reply).toMatch(ADMIN_ONLY);
  });
  // Mod is an admin only in even guilds: being admin elsewhere must not count here.
  t.push(expectReply('Mod', 'settings', 'show', undefined, i % 2 === 0 ? /Current settings/ : ADMIN_ONLY));
  t.push(
    expectReply('Admin', 'persona', 'remove', { persona: 'captain-mara' }, /built in and cannot be removed/),
  );
  t.push(expectReply('Admin', 'settings', 'cap', { minutes: 5000 }, /between 0 \(unlimited\) and 1440/));
  t.push(expectReply('Admin', 'settings', 'show', undefined, new RegExp(`Daily cap: ${10 + i} min`)));
  t.push(expectReply('Pleb', 'join', undefined, undefined, /Join a voice channel first/));
  t.push(expectReply('Pleb', 'dance', undefined, undefined, /not one Troupe knows.*`pnpm deploy-commands`/));
  t.push(expectReply('Pleb', 'persona', 'explode', undefined, /Unknown subcommand `explode`/));
  // The voice flow, in order: join with the guild's own import, switch (role-guarded in even guilds), leave.
  t.push(async () => {
    expect(await slash(g, 'Teller', 'join', undefined, { persona: hero(i), channel: g.voiceId })).toMatch(
      /Hero \d+\*\* joined/,
    );
    const switched = await slash(g, 'Pleb', 'persona', 'set', { persona: 'study-buddy-lin' });
    if (roleGuarded) expect(switched).toMatch(needsRole(g));
    else expect(switched).toMatch(/Switched to \*\*Lin the Study Buddy\*\*/);
    expect(await slash(g, 'Pleb', 'voice', 'status')).toMatch(/Daily cap|min used/);
    const reset = await slash(g, 'Pleb', 'voice', 'reset');
    if (roleGuarded) expect(reset).toMatch(needsRole(g));
    else expect(reset).toMatch(/forgot this conversation/);
    expect(await slash(g, 'Teller', 'persona', 'set', { persona: 'twin' })).toMatch(
      /Switched to \*\*Twin\*\*/,
    );
    expect(await slash(g, 'Teller', 'leave')).toMatch(/left the voice channel/);
    expect(await slash(g, 'Pleb', 'leave')).toMatch(/No persona is in a voice channel/);
    expect(await slash(g, 'Pleb', 'persona', 'set', { persona: 'twin' })).toMatch(
      roleGuarded ? needsRole(g) : /No persona is in a voice channel right now/,
    );
  });
  t.push(async () => {
    expect(await slash(g, 'Teller', 'voice', 'optout')).toContain('will not be sent');
    expect(await slash(g, 'Teller', 'voice', 'optin')).toContain('can hear you again');
  });
  // Autocomplete: garbage through every persona option, and a real prefix that must stay in-guild.
  const targets: [string, string | undefined][] = [
    ['join', undefined],
    ['persona', 'show'],
    ['persona', 'set'],
    ['persona', 'remove'],
    ['settings', 'default-persona'],
  ];
  for (const [name, sub] of targets) {
    for (const value of GARBAGE) t.push(async () => void (await autocomplete(g, name, sub, value)));
    t.push(async () => {
      const heroes = (await autocomplete(g, name, sub, 'hero')).map((c) => c.value);
      expect(heroes).toEqual([hero(i)]);
      const twins = (await autocomplete(g, name, sub, 'tw')).map((c) => c.value);
      expect(twins).toEqual(['twin']);
    });
  }
  t.push(async () => void (await autocomplete(g, 'settings', 'cap', '💥'.repeat(500), 'minutes')));
  return t;
}

describe('20 guilds spamming slash commands at once', () => {
  it('configure themselves in parallel', async () => {
    await Promise.all(w.guilds.map(configure));
  }, 30_000);

  it('answer every command, subcommand and autocomplete, allowed or denied', async () => {
    // The bot must survive 429s on its replies too.
    w.discord.faults.rateLimit({
      method: 'POST',
      path: /\/interactions\/\d+\/[^/]+\/callback/,
      count: 3,
      retryAfterMs: 150,
    });
    w.discord.faults.rateLimit({ method: 'PATCH', path: '/messages/@original', count: 5, retryAfterMs: 150 });
    const before = samples.length;
    // Shuffle each guild's list deterministically so commands interleave differently per guild.
    await Promise.all(
      w.guilds.map((g) => {
        const tasks = spam(g);
        const rotated = [...tasks.slice(g.index % tasks.length), ...tasks.slice(0, g.index % tasks.length)];
        return pool(rotated, PER_GUILD_CONCURRENCY);
      }),
    );
    expect(samples.length - before).toBeGreaterThan(GUILDS * 100);
  }, 45_000);

  it('kept every guild to its own settings, personas and opt-outs', async () => {
    for (const g of w.guilds) {
      const i = g.index;
      const s = await w.store.getSettings(g.id);
      expect(s).toEqual({
        guildId: g.id,
        defaultPersona: BUILTINS[i % 3],
        transcriptsEnabled: i % 3 === 0,
        transcriptsChannelId: i % 3 === 0 ? g.textId : null,
        dailyCapMinutes: 10 + i,
        personaSwitchRoleId: i % 2 === 0 ? g.storytellerRoleId : null,
        vadSilenceMs: null,
        vadPrefixPaddingMs: null,
        vadEnergyThreshold: null,
        sceneRetentionDays: null,
      });
      const imported = await w.store.listGuildPersonas(g.id);
      expect(imported.map((p) => p.id)).toEqual([hero(i), 'twin']);
      expect(imported.find((p) => p.id === 'twin')?.description).toBe(`Twin of guild ${i}.`);
      expect(w.store.isOptedOut(g.id, w.discord.user('Pleb').id)).toBe(i % 2 === 1);
      expect(w.store.isOptedOut(g.id, w.discord.user('Teller').id)).toBe(false);
      expect(w.bot.voice.get(g.id)).toBeUndefined();
    }
    // Nothing failed unexpectedly on the bot's side.
    const errors = w.logs.filter((l) => /"level":(50|60)/.test(l));
    expect(errors).toEqual([]);
  });

  it('answered every interaction within 3 s of dispatch (emulator clock)', async ({ annotate }) => {
    const first = samples.map((s) => s.firstMs);
    const commands = samples.filter((s) => s.kind === 'command');
    const final = commands.map((s) => s.finalMs);
    const summary = {
      interactions: samples.length,
      commands: commands.length,
      autocompletes: samples.length - commands.length,
      firstResponseMs: { p50: percentile(first, 50), p95: percentile(first, 95), max: Math.max(...first) },
      finalReplyMs: { p50: percentile(final, 50), p95: percentile(final, 95), max: Math.max(...final) },
    };
    const fmt = (x: { p50: number; p95: number; max: number }) =>
      `p50 ${x.p50.toFixed(0)} ms, p95 ${x.p95.toFixed(0)} ms, max ${x.max.toFixed(0)} ms`;
    await annotate(
      `${summary.interactions} interactions (${summary.commands} commands, ${summary.autocompletes} autocompletes); ` +
        `first response ${fmt(summary.firstResponseMs)}; final reply ${fmt(summary.finalReplyMs)}`,
    );
    const late = samples.filter((s) => s.firstMs > 3000);
    expect(late, 'interactions answered after Discord’s 3 s deadline').toEqual([]);
  });
});
