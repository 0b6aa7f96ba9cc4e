import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { bodyText, type MessageBody } from '../commands/reply.ts';

/** Options a fake slash interaction carries. */
export interface FakeOpts {
  guildId?: string;
  userId?: string;
  roles?: string[];
  admin?: boolean;
  sub?: string;
  options?: Record<string, unknown>;
  voiceChannel?: { id: string; guildId: string; name: string; type: number } | null;
  focused?: { name: string; value: unknown };
  /** The invoking user's Discord locale (default en-US). */
  locale?: string;
}

/**
 * A structural stand-in for discord.js ChatInputCommandInteraction / AutocompleteInteraction with
 * just the members the router and handlers use. Records the deferral and final reply.
 */
export function fakeInteraction(
  commandName: string,
  o: FakeOpts = {},
  kind: 'command' | 'autocomplete' = 'command',
) {
  const calls: string[] = [];
  const out = {
    deferred: undefined as undefined | { flags?: unknown },
    reply: '',
    body: {} as MessageBody,
    choices: [] as unknown[],
    calls,
  };
  const opt = o.options ?? {};
  const get = (name: string, required?: boolean) => {
    const v = opt[name];
    if (v === undefined && required) throw new TypeError(`option ${name} missing`);
    return v ?? null;
  };
  const i = {
    id: 'i1',
    commandName,
    locale: o.locale ?? 'en-US',
    guildId: o.guildId ?? 'g1',
    user: { id: o.userId ?? 'u1' },
    member: { roles: o.roles ?? [], voice: { channel: o.voiceChannel ?? null } },
    memberPermissions: new PermissionsBitField(o.admin ? PermissionFlagsBits.ManageGuild : 0n),
    isAutocomplete: () => kind === 'autocomplete',
    isChatInputCommand: () => kind === 'command',
    isButton: () => false,
    inCachedGuild: () => true,
    options: {
      getSubcommand: (_required?: boolean) => o.sub ?? null,
      getString: get,
      getChannel: get,
      getAttachment: get,
      getBoolean: get,
      getInteger: get,
      getNumber: get,
      getRole: get,
      getFocused: () => {
        if (!o.focused) throw new TypeError('no focused option');
        return o.focused;
      },
    },
    deferReply: async (opts: { flags?: unknown }) => {
      calls.push('defer');
      out.deferred = opts;
    },
    editReply: async (r: MessageBody) => {
      calls.push('edit');
      out.body = r;
      out.reply = bodyText(r);
    },
    respond: async (choices: unknown[]) => {
      calls.push('respond');
      out.choices = choices;
    },
  };
  // biome-ignore lint/suspicious/noExplicitAny: structural fake of a discord.js class
  return { interaction: i as any, out };
}
