import { describe, expect, it } from 'vitest';
import { explainDiscordError } from './discord-errors.ts';

describe('explainDiscordError', () => {
  it('turns the ways Discord refuses into one line with the fix', () => {
    const cases: [unknown, 'login' | 'deploy', string][] = [
      [
        { code: 'TokenInvalid', message: 'An invalid token was provided.' },
        'login',
        'Discord rejected DISCORD_TOKEN at login (401 Unauthorized) — fix: copy the token again',
      ],
      [
        { status: 401, message: '401: Unauthorized' },
        'deploy',
        'Discord rejected DISCORD_TOKEN while registering commands (401 Unauthorized) — fix:',
      ],
      [
        { status: 404, code: 10002, message: 'Unknown Application' },
        'deploy',
        'Discord does not know application 42 (404 Unknown Application) — fix: set DISCORD_APP_ID',
      ],
      [
        { status: 403, code: 50001, message: 'Missing Access' },
        'deploy',
        'Discord refused to register commands in server 7 (403 Missing Access) — fix: invite the bot',
      ],
      [
        { message: 'fetch failed', cause: { code: 'ENOTFOUND' } },
        'login',
        "cannot reach Discord at login (ENOTFOUND) — fix: check this machine's network",
      ],
      [new Error('socket hang up\nmore'), 'login', 'Discord failed at login: socket hang up — fix: retry'],
    ];
    for (const [err, during, start] of cases) {
      const line = explainDiscordError(err, during, { appId: '42', guildId: '7' });
      expect(line.startsWith(start), line).toBe(true);
      expect(line).not.toContain('\n');
    }
  });
});
