import { ChannelType } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { commandTestContext } from '../testing/command-context.ts';
import { modelFailureForUsers } from '../voice/model-failure.ts';
import { VoiceJoinError } from '../voice/types.ts';

const vc = { id: 'vc1', guildId: 'g1', name: 'Lounge', type: ChannelType.GuildVoice };

const contexts: Awaited<ReturnType<typeof commandTestContext>>[] = [];
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
async function setup() {
  const c = await commandTestContext();
  contexts.push(c);
  return c;
}

describe('public state changes and private errors', () => {
  it('posts the consent notice in the voice channel before joining, in both languages', async () => {
    const { run, posted, voice } = await setup();
    let noticeBeforeJoin = false;
    const join = voice.join.bind(voice);
    voice.join = async (channel, persona) => {
      noticeBeforeJoin = posted.length === 1;
      return join(channel, persona);
    };
    const reply = await run('join', { voiceChannel: vc });
    expect(noticeBeforeJoin).toBe(true);
    expect(reply).toMatch(/joined <#vc1>[\s\S]*Everyone in <#vc1> can see this/);
    expect(posted).toHaveLength(1);
    const [notice] = posted;
    expect(notice?.channelId).toBe('vc1');
    expect(notice?.en).toMatch(/\*\*Captain\*\*, an AI character, is now listening.*started by <@u1>/);
    expect(notice?.en).toContain('StepFun');
    expect(notice?.en).toContain('`/voice optout`');
    expect(notice?.en).toContain('`/privacy`');
    expect(notice?.zh).toMatch(/AI 角色.*正在这个语音频道里收听/);
    expect(notice?.zh).toContain('/语音 不收听我');
    expect(notice?.zh).toContain('/隐私');
  });

  it('says transcripts are on in the notice when they are', async () => {
    const { run, posted, store } = await setup();
    await store.updateSettings('g1', { transcriptsEnabled: true, transcriptsChannelId: 'txt9' });
    await run('join', { voiceChannel: vc });
    expect(posted[0]?.en).toContain(
      'Transcripts are on: what is said here is also posted as text in <#txt9>.',
    );
  });

  it('does not join when the notice cannot be posted, and says so privately', async () => {
    const { run, voice, announceFailure } = await setup();
    announceFailure.error = new Error('Missing Permissions');
    const reply = await run('join', { voiceChannel: vc });
    expect(reply).toMatch(/^⚠️ I could not post the notice in <#vc1>.*Send Messages/);
    expect(voice.get('g1')).toBeUndefined();
  });

  it('takes the notice down when the join fails after it was posted', async () => {
    const { run, voice, posted, retracted } = await setup();
    voice.join = async () => {
      throw new VoiceJoinError(
        'I could not connect to Lounge within 20 s. Discord voice may be having trouble.',
      );
    };
    const reply = await run('join', { voiceChannel: vc });
    expect(reply).toMatch(/^⚠️ I could not connect to <#vc1> in time/);
    expect(posted).toHaveLength(1);
    expect(retracted).toEqual([posted[0]?.en]);
  });

  it('words a refused model plainly in the reader’s language; nothing operator-level, nothing public', async () => {
    const { run, voice, posted, retracted } = await setup();
    voice.join = async () => {
      throw new VoiceJoinError(`I joined, but ${modelFailureForUsers('credentials')}.`);
    };
    expect(await run('join', { voiceChannel: vc })).toBe(
      '⚠️ I joined, but the voice model service refused this bot’s access; whoever runs the bot has the details in its log.',
    );
    expect(await run('join', { voiceChannel: vc, locale: 'zh-CN' })).toBe(
      '⚠️ 我加入了，但是语音模型服务拒绝了这个机器人的访问；运行机器人的人可以在日志里看到详情。',
    );
    expect(retracted).toHaveLength(2);
    expect(posted.map((p) => p.en).join('\n')).not.toMatch(/refused|STEPFUN|API key/);
  });

  it('announces leave, persona switch and reset publicly; opt-out and refusals stay private', async () => {
    const { run, posted, store } = await setup();
    await run('join', { voiceChannel: vc });
    await run('persona', { sub: 'set', options: { persona: 'buddy' } });
    expect(posted.at(-1)?.en).toMatch(/<@u1> switched the character to \*\*Buddy\*\*/);
    await run('voice', { sub: 'reset' });
    expect(posted.at(-1)?.en).toMatch(/<@u1> reset the conversation: \*\*Buddy\*\* forgot/);
    const before = posted.length;
    expect(await run('voice', { sub: 'optout' })).toContain('will not be sent');
    await store.updateSettings('g1', { personaSwitchRoleId: 'r9' });
    expect(await run('persona', { sub: 'set', options: { persona: 'teller' } })).toMatch(/^⚠️ .*<@&r9>/);
    expect(await run('persona', { sub: 'set', options: { persona: 'nobody' }, admin: true })).toMatch(
      /^⚠️ No persona called/,
    );
    expect(posted).toHaveLength(before);
    await run('leave');
    expect(posted.at(-1)?.en).toMatch(
      /\*\*Buddy\*\* left this voice channel and is no longer listening \(ended by <@u1>\)/,
    );
  });

  it('answers in the invoker’s language (zh-CN and zh-TW read Simplified Chinese)', async () => {
    const { run } = await setup();
    expect(await run('join', { locale: 'zh-CN' })).toMatch(/^⚠️ 请先进入一个语音频道/);
    expect(await run('voice', { sub: 'optout', locale: 'zh-TW' })).toContain('你的声音不会再发送给角色');
    expect(await run('settings', { sub: 'cap', options: { minutes: 5 }, locale: 'zh-CN' })).toMatch(
      /管理服务器.*才能修改 Troupe 设置/,
    );
    expect(await run('voice', { sub: 'optin', locale: 'en-GB' })).toContain('can hear you again');
  });

  it('/help and /privacy answer privately with embeds in the reader’s language', async () => {
    const { runFull, posted } = await setup();
    const help = await runFull('help', { locale: 'zh-CN' });
    expect(help.body.embeds?.[0]?.title).toBe('Troupe：语音频道里的角色扮演');
    expect(help.reply).toContain('`/语音 不收听我` — 不要把我的声音发给角色');
    const privacy = await runFull('privacy');
    expect(privacy.reply).toMatch(
      /StepFun[\s\S]*\/voice optout[\s\S]*never audio[\s\S]*\/voice forget[\s\S]*Removing the bot/,
    );
    expect(privacy.body.embeds?.[0]?.fields?.length).toBe(7);
    expect(posted).toHaveLength(0);
  });
});
