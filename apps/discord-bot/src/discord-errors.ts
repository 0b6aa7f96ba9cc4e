// One line, with the fix, for the ways talking to Discord fails at start-up: a rejected token at
// login or when registering commands, a wrong application id, a server the bot is not in, no
// network. Anything else keeps Discord's own message.

const TOKEN_FIX =
  'copy the token again (Developer Portal → your app → Bot → Reset Token) into DISCORD_TOKEN in .env; it is the Bot token, not the client secret or the public key';

interface DiscordLikeError {
  name?: string;
  code?: unknown;
  status?: number;
  message?: string;
  cause?: { code?: string };
}

/** Explains `err` from `client.login` ('login') or the command registration PUT ('deploy'). */
export function explainDiscordError(
  err: unknown,
  during: 'login' | 'deploy',
  ctx: { guildId?: string | undefined; appId?: string | undefined } = {},
): string {
  const e = (err ?? {}) as DiscordLikeError;
  const what = during === 'login' ? 'at login' : 'while registering commands';
  if (e.status === 401 || e.code === 'TokenInvalid') {
    return `Discord rejected DISCORD_TOKEN ${what} (401 Unauthorized) — fix: ${TOKEN_FIX}`;
  }
  if (e.code === 'DisallowedIntents') {
    return 'Discord refused the gateway intents — fix: Troupe needs only Guilds and GuildVoiceStates (not privileged); check that nothing else adds privileged intents to the client';
  }
  if (
    e.code === 10002 ||
    (e.status === 404 && during === 'deploy' && /Unknown Application/i.test(e.message ?? ''))
  ) {
    return `Discord does not know application ${ctx.appId ?? '(DISCORD_APP_ID)'} (404 Unknown Application) — fix: set DISCORD_APP_ID to the Application ID on the app's General Information page (the token's own application)`;
  }
  if (e.status === 403 && during === 'deploy') {
    return ctx.guildId
      ? `Discord refused to register commands in server ${ctx.guildId} (403 Missing Access) — fix: invite the bot to that server with the applications.commands scope, or correct DISCORD_GUILD_ID`
      : 'Discord refused to register commands (403 Missing Access) — fix: check that DISCORD_APP_ID is the application this token belongs to';
  }
  const net = e.cause?.code ?? (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code) ? e.code : undefined);
  if (net) {
    return `cannot reach Discord ${what} (${net}) — fix: check this machine's network, DNS, firewall or proxy`;
  }
  return `Discord failed ${what}: ${(e.message ?? String(err)).split('\n')[0]} — fix: retry; if it persists, run \`pnpm run doctor\``;
}
