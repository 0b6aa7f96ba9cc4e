// Issue 13 items 8 and 11 through the real bot and discord-sim: /persona import never silently
// replaces a different card (ids that collide after the slug's cut, or by case and punctuation),
// says which id it used, and says so when it replaces the persona talking right now; and the card
// downloader fetches only from the attachment host (here: the emulator, as Discord's CDN), never
// from loopback, other schemes or numeric address forms.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeVoice } from '@troupe/discord/testing';
import type { SimAttachment } from '@troupe/discord-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultGuild, type FaultWorld, startFaultWorld } from './fault-world.ts';

let w: FaultWorld;
let g: FaultGuild;
const voice = new FakeVoice();
/** A server inside the operator's network that must never be reached. */
let intranet: Server;
let intranetHits = 0;
beforeAll(async () => {
  intranet = createServer((_req, res) => {
    intranetHits++;
    res.end(JSON.stringify({ spec: 'chara_card_v2', data: { name: 'Intranet', description: 'secret' } }));
  });
  await new Promise<void>((r) => intranet.listen(0, '127.0.0.1', r));
  w = await startFaultWorld({ guilds: 1, createVoice: () => voice });
  g = w.guilds[0]!;
}, 30_000);
afterAll(async () => {
  intranet?.closeAllConnections();
  await new Promise((r) => intranet?.close(r));
  await w?.close();
});

function cardFile(name: string, description: string): SimAttachment {
  const bytes = Buffer.from(JSON.stringify({ spec: 'chara_card_v2', data: { name, description } }));
  return w.discord.attachment(`${name.slice(0, 20)}.json`, bytes, 'application/json');
}

async function importCard(card: SimAttachment, replace?: boolean): Promise<string> {
  const h = await w.discord.slash({ user: 'Admin', guild: g.id, channel: g.textId }, 'persona', {
    subcommand: 'import',
    attachments: { card },
    ...(replace === undefined ? {} : { options: { replace } }),
  });
  await h.edited(1, 15_000);
  return h.content ?? '';
}

const stored = async (id: string) => (await w.store.getGuildPersona(g.id, id)) ?? undefined;

describe('/persona import never silently replaces a different card', () => {
  it('a card whose name slugs like an imported one gets a new id, and the reply names both', async () => {
    expect(await importCard(cardFile('Sea Witch', 'Brews storms.'))).toContain('as `sea-witch`');
    const reply = await importCard(cardFile('sea witch!', 'A different witch.'));
    expect(reply).toContain('as `sea-witch-2`');
    expect(reply).toMatch(/`sea-witch` is already taken by \*\*Sea Witch\*\*, which is unchanged/);
    expect(reply).toContain('replace:True');
    expect((await stored('sea-witch'))?.description).toContain('Brews storms.');
    expect((await stored('sea-witch-2'))?.description).toContain('A different witch.');
  });

  it('names that agree on their first 32 slug characters are different cards', async () => {
    const long = 'The Extraordinarily Long Named Captain';
    const idOf = (reply: string) => /as `([a-z0-9-]+)`/.exec(reply)?.[1] ?? '';
    const firstId = idOf(await importCard(cardFile(`${long} Alpha`, 'First.')));
    const second = await importCard(cardFile(`${long} Bravo`, 'Second.'));
    expect(second).toMatch(/already taken/);
    const secondId = idOf(second);
    expect(secondId).not.toBe(firstId);
    expect(secondId.length).toBeLessThanOrEqual(40);
    expect((await stored(firstId))?.name).toBe(`${long} Alpha`);
    expect((await stored(secondId))?.name).toBe(`${long} Bravo`);
  });

  it('the same card again changes nothing; replace:True replaces, and says so while it talks', async () => {
    expect(await importCard(cardFile('Sea Witch', 'Brews storms.'))).toMatch(
      /already imported as `sea-witch`; nothing changed/,
    );
    voice.open(g.id, g.voiceId, (await stored('sea-witch'))!);
    const reply = await importCard(cardFile('Sea Witch', 'Brews worse storms.'), true);
    expect(reply).toMatch(/Replaced `sea-witch` \(was \*\*Sea Witch\*\*\)/);
    expect(reply).toMatch(/talking right now in <#\d+> and keeps the old card/);
    expect((await stored('sea-witch'))?.description).toContain('Brews worse storms.');
    expect((await w.store.listGuildPersonas(g.id)).filter((p) => p.id.startsWith('sea-witch-'))).toHaveLength(
      1,
    );
  });
});

describe('the card downloader fetches only attachments', () => {
  it('refuses loopback, numeric address forms, other schemes, and never reaches them', async () => {
    const port = (intranet.address() as AddressInfo).port;
    const hostile = [
      `http://127.0.0.1:${port}/card.json`,
      `http://localhost:${port}/card.json`,
      `http://2130706433:${port}/card.json`,
      `http://0177.0.0.1:${port}/card.json`,
      `http://[::ffff:127.0.0.1]:${port}/card.json`,
      `https://169.254.169.254/latest/meta-data/`,
      'data:application/json;base64,eyJzcGVjIjoiY2hhcmFfY2FyZF92MiIsImRhdGEiOnsibmFtZSI6IkRhdGEifX0=',
      'file:///etc/passwd',
    ];
    for (const url of hostile) {
      const reply = await importCard({ filename: 'card.json', size: 100, url });
      expect(reply, url).toMatch(/not on Discord’s attachment servers/);
    }
    expect(intranetHits).toBe(0);
    expect((await w.store.listGuildPersonas(g.id)).map((p) => p.name)).not.toContain('Intranet');
    expect((await w.store.listGuildPersonas(g.id)).map((p) => p.name)).not.toContain('Data');
  });
});
