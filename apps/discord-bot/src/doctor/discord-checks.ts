// Discord checks for `pnpm run doctor`: the token (a real GET /users/@me), the application id, gateway
// logins left, intents, and the bot's permissions in each server it will work in.
import { ChannelType, PermissionFlagsBits } from 'discord.js';
import {
  type ApiChannel,
  type ApiRole,
  channelPermissions,
  guildPermissions,
  missing,
  VOICE_NEEDS,
} from './permissions.ts';
import { type Check, fail, networkReason, ok, warn } from './report.ts';

/** The invite URL with exactly the permissions Troupe uses (see the README). */
export const INVITE_PERMISSIONS = 573574144n;

export interface DiscordCheckOptions {
  /** REST base, e.g. https://discord.com/api (DISCORD_API_URL for the emulator). */
  api: string;
  token: string | undefined;
  appId: string | undefined;
  guildId: string | undefined;
  /** Transcript settings per guild, when the database could be read. */
  transcripts?: (
    guildId: string,
  ) => Promise<{ enabled: boolean; channelId: string | null } | undefined> | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

type Get = (path: string) => Promise<{ status: number; body: Record<string, unknown> & unknown[] }>;

class Unreachable extends Error {}

export async function discordChecks(o: DiscordCheckOptions): Promise<Check[]> {
  if (!o.token) {
    return [
      fail(
        'Discord token',
        'DISCORD_TOKEN is not set',
        'copy the bot token from https://discord.com/developers/applications (your app → Bot → Reset Token) into .env',
      ),
    ];
  }
  const f = o.fetch ?? fetch;
  const host = new URL(o.api).host;
  const get: Get = async (path) => {
    let res: Response;
    try {
      res = await f(`${o.api.replace(/\/$/, '')}/v10${path}`, {
        headers: { Authorization: `Bot ${o.token}` },
        signal: AbortSignal.timeout(o.timeoutMs ?? 8000),
      });
    } catch (err) {
      throw new Unreachable(networkReason(err));
    }
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown> & unknown[];
    return { status: res.status, body };
  };
  const checks: Check[] = [];
  try {
    const me = await get('/users/@me');
    if (me.status === 401) {
      return [
        fail(
          'Discord token',
          'Discord rejected DISCORD_TOKEN (401 Unauthorized)',
          'copy the token again (Developer Portal → your app → Bot → Reset Token) into .env; it is the Bot token, not the client secret or public key',
        ),
      ];
    }
    if (me.status !== 200) {
      return [
        fail(
          'Discord token',
          `GET /users/@me answered ${me.status} ${String(me.body.message ?? '')}`,
          'retry in a minute; if it persists, check https://discordstatus.com',
        ),
      ];
    }
    const botId = String(me.body.id);
    checks.push(ok('Discord token', `valid: logged in as ${String(me.body.username)} (${botId})`));
    checks.push(await appCheck(get, o.appId));
    checks.push(await gatewayCheck(get));
    checks.push(
      ok(
        'Intents',
        'Guilds + GuildVoiceStates only; neither is privileged, so nothing to enable in the Developer Portal',
      ),
    );
    checks.push(...(await guildChecks(get, o, botId)));
  } catch (err) {
    if (!(err instanceof Unreachable)) throw err;
    checks.push(
      fail(
        'Discord',
        `cannot reach ${host} (${err.message}); the other Discord checks were skipped`,
        'check this machine’s network, DNS, firewall or proxy (the bot needs HTTPS and WebSockets to discord.com and discord.gg)',
      ),
    );
  }
  return checks;
}

async function appCheck(get: Get, appId: string | undefined): Promise<Check> {
  const app = await get('/applications/@me');
  if (app.status !== 200)
    return warn(
      'Application',
      `GET /applications/@me answered ${app.status}`,
      'check DISCORD_APP_ID by hand in the Developer Portal (General Information)',
    );
  const id = String(app.body.id);
  if (!appId)
    return warn(
      'Application',
      'DISCORD_APP_ID is not set (pnpm deploy-commands needs it)',
      `set DISCORD_APP_ID=${id}`,
    );
  if (appId !== id)
    return fail(
      'Application',
      `DISCORD_APP_ID is ${appId}, but this token belongs to application ${id}`,
      `set DISCORD_APP_ID=${id}`,
    );
  return ok('Application', `DISCORD_APP_ID matches the token (${String(app.body.name ?? id)})`);
}

async function gatewayCheck(get: Get): Promise<Check> {
  const gw = await get('/gateway/bot');
  const limit = gw.body.session_start_limit as
    | { remaining?: number; total?: number; reset_after?: number }
    | undefined;
  if (gw.status !== 200 || !limit)
    return warn('Gateway', `GET /gateway/bot answered ${gw.status}`, 'retry in a minute');
  if (limit.remaining === 0) {
    const minutes = Math.ceil((limit.reset_after ?? 0) / 60_000);
    return fail(
      'Gateway',
      `no logins left today (0 of ${limit.total})`,
      `wait ${minutes} min for the limit to reset; a restart loop uses logins up`,
    );
  }
  return ok('Gateway', `${limit.remaining} of ${limit.total} logins left today`);
}

async function guildChecks(get: Get, o: DiscordCheckOptions, botId: string): Promise<Check[]> {
  const invite = `invite the bot: https://discord.com/oauth2/authorize?client_id=${o.appId ?? botId}&scope=bot+applications.commands&permissions=${INVITE_PERMISSIONS}`;
  let guilds: { id: string; name: string }[];
  if (o.guildId) {
    guilds = [{ id: o.guildId, name: o.guildId }];
  } else {
    const list = await get('/users/@me/guilds');
    if (list.status !== 200)
      return [
        warn(
          'Servers',
          `GET /users/@me/guilds answered ${list.status}`,
          'set DISCORD_GUILD_ID to check one server',
        ),
      ];
    guilds = (list.body as unknown as { id: string; name: string }[]).slice(0, 25);
    if (guilds.length === 0) return [warn('Servers', 'the bot is in no server yet', invite)];
  }
  const checks: Check[] = [];
  for (const g of guilds) checks.push(await guildCheck(get, o, botId, g, invite));
  return checks;
}

async function guildCheck(
  get: Get,
  o: DiscordCheckOptions,
  botId: string,
  g: { id: string; name: string },
  invite: string,
): Promise<Check> {
  const guild = await get(`/guilds/${g.id}`);
  if (guild.status === 403 || guild.status === 404)
    return fail(`Server ${g.id}`, 'the bot is not in this server (DISCORD_GUILD_ID)', invite);
  const name = `Server "${String(guild.body.name ?? g.name).slice(0, 30)}"`;
  const member = await get(`/guilds/${g.id}/members/${botId}`);
  const channels = await get(`/guilds/${g.id}/channels`);
  if (member.status !== 200 || channels.status !== 200)
    return warn(
      name,
      `could not read the bot's roles or the channels (${member.status}/${channels.status})`,
      'give the bot View Channel, then run doctor again',
    );
  const ids = {
    guildId: g.id,
    memberId: botId,
    memberRoles: (member.body.roles as string[] | undefined) ?? [],
  };
  const base = guildPermissions({
    ...ids,
    ownerId: guild.body.owner_id as string | undefined,
    roles: (guild.body.roles as ApiRole[] | undefined) ?? [],
  });
  const roleFix = "grant them to the bot's role (Server Settings → Roles)";
  const lacking = missing(base, VOICE_NEEDS);
  if (lacking.length) return fail(name, `the bot's roles lack ${lacking.join(', ')}`, roleFix);
  const voice = (channels.body as unknown as ApiChannel[]).filter(
    (c) => c.type === ChannelType.GuildVoice || c.type === ChannelType.GuildStageVoice,
  );
  const blocked = voice
    .map((c) => ({ c, gaps: missing(channelPermissions(base, c, ids), VOICE_NEEDS) }))
    .filter((x) => x.gaps.length > 0);
  const transcripts = await o.transcripts?.(g.id);
  const webhooks =
    transcripts?.enabled && (base & PermissionFlagsBits.ManageWebhooks) === 0n
      ? ' Transcripts are on but Manage Webhooks is missing, so they post as plain messages without persona names.'
      : '';
  const usable = voice.length - blocked.length;
  if (voice.length === 0)
    return warn(
      name,
      'has no voice channel the bot can see',
      'create one, or give the bot View Channel on it',
    );
  if (usable === 0)
    return fail(
      name,
      `no usable voice channel: ${blocked.map((x) => `#${x.c.name} (${x.gaps.join(', ')})`).join('; ')}`,
      "fix the channels' Permissions for the bot's role",
    );
  if (blocked.length || webhooks)
    return warn(
      name,
      `usable in ${usable} of ${voice.length} voice channels${blocked.length ? `; not in ${blocked.map((x) => `#${x.c.name} (missing ${x.gaps.join(', ')})`).join('; ')}` : ''}.${webhooks}`,
      blocked.length
        ? "if members should use those, fix the channels' Permissions for the bot's role"
        : 'grant the bot Manage Webhooks',
    );
  return ok(name, `can view, connect, speak and post notices in all ${voice.length} voice channels`);
}
