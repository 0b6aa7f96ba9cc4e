import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { deployCommands } from './deploy-commands.ts';

describe('deployCommands', () => {
  it('bulk-overwrites guild commands in development and global commands otherwise', async () => {
    const seen: { method: string; url: string; count: number; auth: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const parsed = JSON.parse(body) as unknown[];
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          count: parsed.length,
          auth: req.headers.authorization ?? '',
        });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(parsed));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
    try {
      const guild = await deployCommands({
        token: 'a.b.c',
        appId: '111111111111111111',
        guildId: '222222222222222222',
        api,
      });
      const global = await deployCommands({ token: 'a.b.c', appId: '111111111111111111', api });
      expect(guild).toEqual({ count: 8, scope: 'guild 222222222222222222' });
      expect(global.scope).toBe('global');
      expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
        'PUT /api/v10/applications/111111111111111111/guilds/222222222222222222/commands',
        'PUT /api/v10/applications/111111111111111111/commands',
      ]);
      expect(seen[0]?.auth).toBe('Bot a.b.c');
    } finally {
      server.close();
    }
  });
});
