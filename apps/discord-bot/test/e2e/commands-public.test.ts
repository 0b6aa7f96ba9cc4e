// Issue 16: the server owner's experience, with the real discord.js client and voice layer against
// discord-sim and realtime-sim. Everyone in the voice channel sees that an AI is listening, where
// their audio goes and how to opt out; joins, leaves, switches and resets are public; refusals
// and errors are private; the server's language is used for what everyone sees.
import { silentLogger } from '@troupe/discord/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channelMessages,
  GUILD_ID,
  type Harness,
  OTHER_GUILD_ID,
  runCommand,
  startHarness,
  TEXT_CHANNEL_ID,
  VOICE_CHANNEL_ID,
} from '../../src/demo/harness.ts';

const OTHER_VOICE = 'Voice';

describe('public notices, public state changes and private errors', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ logger: silentLogger(), otherGuildLocale: 'zh-CN' });
    h.discord.joinVoice('Alice', VOICE_CHANNEL_ID);
    h.discord.joinVoice('小明', VOICE_CHANNEL_ID);
  }, 30_000);
  afterAll(async () => {
    await h?.close();
  });
  const voiceChat = () => channelMessages(h, VOICE_CHANNEL_ID);

  it('/join: a private confirmation, and a notice in the voice channel’s chat for everyone', async () => {
    const reply = await runCommand(h, 'Alice', 'join', undefined, { persona: 'captain-mara' });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(
      /Captain Mara Voss\*\* joined <#\d+>[\s\S]*Everyone in <#\d+> can see this/,
    );
    expect(h.bot.voice.get(GUILD_ID)?.channelId).toBe(VOICE_CHANNEL_ID);
    const [notice, ...rest] = voiceChat();
    expect(rest).toEqual([]);
    expect(notice).toMatch(
      /\*\*Captain Mara Voss\*\*, an AI character, is now listening in this voice channel/,
    );
    expect(notice).toContain('sent to StepFun’s speech model');
    expect(notice).toContain('`/voice optout`');
    expect(notice).toContain('`/privacy`');
  });

  it('refusals and errors stay private: nothing new in any channel', async () => {
    const before = h.discord.messages.filter((m) => m.via === 'channel').length;
    await runCommand(h, 'Admin', 'settings', 'switch-role', { role: 'Storytellers' });
    const denied = await runCommand(h, 'Alice', 'persona', 'set', { persona: 'shuoshu-ren' });
    expect(denied.ephemeral).toBe(true);
    expect(denied.content).toMatch(/^⚠️ Switching personas on this server needs the <@&\d+> role/);
    // (Meanwhile a join in the other server, whose notice is the one new public message.)
    const elsewhere = await runCommand(
      h,
      'Admin',
      'join',
      undefined,
      { channel: OTHER_VOICE },
      OTHER_GUILD_ID,
    );
    expect(elsewhere.ephemeral).toBe(true);
    const unknown = await runCommand(h, 'Alice', 'persona', 'show', { persona: 'nobody' });
    expect(unknown.content).toMatch(/^⚠️ No persona called `nobody` here/);
    expect(h.discord.messages.filter((m) => m.via === 'channel').length).toBe(before + 1); // the other guild's join
    await runCommand(h, 'Admin', 'leave', undefined, undefined, OTHER_GUILD_ID);
    await runCommand(h, 'Admin', 'settings', 'switch-role');
  });

  it('uses the server’s language for public notices and the reader’s for private replies', async () => {
    const other = h.discord.channelId(OTHER_VOICE);
    const chat = channelMessages(h, other);
    expect(chat[0]).toMatch(/^🎙️ \*\*Captain Mara Voss\*\*（一个 AI 角色）正在这个语音频道里收听/);
    expect(chat[0]).toContain('`/语音 不收听我`（`/voice optout`）');
    expect(chat[1]).toMatch(/离开了这个语音频道，不再收听/);
    const zh = await runCommand(h, 'Alice', 'voice', 'optin', undefined, GUILD_ID, 'zh-CN');
    expect(zh.content).toContain('角色又能听到你了');
  });

  it('/persona set and /voice reset are announced; /voice optout stays private', async () => {
    const switched = await runCommand(h, '小明', 'persona', 'set', { persona: 'shuoshu-ren' });
    expect(switched.content).toMatch(/Switched to \*\*说书人 老柳\*\*/);
    expect(voiceChat().at(-1)).toMatch(
      /<@\d+> switched the character to \*\*说书人 老柳\*\* \(still an AI\), with a new voice/,
    );
    await runCommand(h, 'Alice', 'voice', 'reset');
    expect(voiceChat().at(-1)).toMatch(
      /<@\d+> reset the conversation: \*\*说书人 老柳\*\* forgot everything/,
    );
    const count = voiceChat().length;
    expect((await runCommand(h, 'Alice', 'voice', 'optout')).content).toContain('will not be sent');
    expect(voiceChat()).toHaveLength(count);
    await runCommand(h, 'Alice', 'voice', 'optin');
  });

  it('/voice status is an embed showing who is heard and today’s usage', async () => {
    const status = await runCommand(h, 'Alice', 'voice', 'status');
    const embed = status.handle.message.embeds[0] as { title?: string; fields?: { name: string }[] };
    expect(embed.title).toBe('🎙️ 说书人 老柳 is listening');
    expect(embed.fields?.map((f) => f.name)).toEqual([
      'Session',
      'Model audio this session',
      'Today',
      'Encryption',
      'Heard',
      'Latency of the last turns (ms)',
    ]);
  });

  it('/persona list pages with buttons (type 7 updates); /persona show is an embed', async () => {
    for (const name of ['Ana', 'Bo', 'Cy', 'Di', 'Ed'])
      await h.discord
        .slash({ user: 'Admin', guild: GUILD_ID }, 'persona', {
          subcommand: 'import',
          attachments: {
            card: h.discord.attachment(
              `${name}.json`,
              Buffer.from(
                JSON.stringify({
                  spec: 'chara_card_v2',
                  data: { name, description: `${name} the test hero.` },
                }),
              ),
              'application/json',
            ),
          },
        })
        .then((x) => x.edited(1, 15_000));
    const list = await runCommand(h, 'Alice', 'persona', 'list');
    expect(list.content).toMatch(/Page 1 of 2 · 8 personas/);
    expect(list.content).toContain('▶ 说书人 老柳');
    expect(list.content).not.toContain('`ed`');
    const next = h.discord.clickButton({ user: 'Alice' }, list.handle, 'troupe:persona-list:1');
    await next.firstResponse();
    expect(next.callbackType).toBe(7);
    const page2 = JSON.stringify(next.message.embeds);
    expect(page2).toContain('Page 2 of 2');
    expect(page2).toContain('`ed`');
    const back = h.discord.clickButton({ user: 'Alice' }, next, 'troupe:persona-list:0');
    await back.firstResponse();
    expect(JSON.stringify(back.message.embeds)).toContain('Page 1 of 2');
    expect(() => h.discord.clickButton({ user: 'Alice' }, back, 'troupe:persona-list:-1')).toThrow(
      /disabled/,
    );
    const show = await runCommand(h, 'Alice', 'persona', 'show', { persona: 'study-buddy-lin' });
    expect(show.content).toMatch(/Lin the Study Buddy · study-buddy-lin[\s\S]*Voice\n`elegantgentle-female`/);
  });

  it('/leave is announced; /help and /privacy answer privately', async () => {
    const left = await runCommand(h, 'Alice', 'leave');
    expect(left.content).toMatch(/left the voice channel/);
    expect(voiceChat().at(-1)).toMatch(
      /left this voice channel and is no longer listening \(ended by <@\d+>\)/,
    );
    const help = await runCommand(h, 'Alice', 'help', undefined, undefined, GUILD_ID, 'zh-CN');
    expect(help.ephemeral).toBe(true);
    expect(help.content).toContain('`/加入` — 让一个角色进入语音频道');
    const privacy = await runCommand(h, 'Alice', 'privacy');
    expect(privacy.content).toMatch(/What is sent where[\s\S]*StepFun[\s\S]*Retention and deletion/);
    expect(channelMessages(h, TEXT_CHANNEL_ID)).toEqual([]);
  });
});

describe('a model that refuses the key', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ logger: silentLogger(), stepfunApiKey: 'wrong-key-0000' });
    h.discord.joinVoice('Alice', VOICE_CHANNEL_ID);
    h.discord.joinVoice('Admin', VOICE_CHANNEL_ID);
  }, 30_000);
  afterAll(async () => {
    await h?.close();
  });

  it('tells members privately in plain words, in their language; the channel nothing', async () => {
    const member = await runCommand(h, 'Alice', 'join');
    expect(member.ephemeral).toBe(true);
    expect(member.content).toBe(
      '⚠️ I joined, but the voice model service refused this bot’s access; whoever runs the bot has the details in its log.',
    );
    const zh = await runCommand(h, 'Admin', 'join', undefined, undefined, GUILD_ID, 'zh-CN');
    expect(zh.content).toBe(
      '⚠️ 我加入了，但是语音模型服务拒绝了这个机器人的访问；运行机器人的人可以在日志里看到详情。',
    );
    // Each attempt's notice was taken down again; nothing public says what failed.
    const posted = h.discord.messages.filter((m) => m.via === 'channel');
    expect(posted.length).toBe(2);
    expect(posted.every((m) => m.deleted)).toBe(true);
    expect(posted.map((m) => m.content).join('\n')).not.toMatch(/STEPFUN|API key|refused/);
    expect((await runCommand(h, 'Alice', 'voice', 'status')).content).not.toMatch(/STEPFUN|API key/);
    // A session that never started has no "last end": the operator detail is in the bot's log only.
    expect((await runCommand(h, 'Admin', 'voice', 'status')).content).not.toMatch(/STEPFUN|API key/);
  });
});
