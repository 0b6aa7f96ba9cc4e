import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/translate.ts';
import { FakeSession, P } from '../testing/fake-voice.ts';
import { bodyText } from './reply.ts';
import { statusEmbed } from './voice-status-embed.ts';

describe('/voice status', () => {
  it('shows a short session in seconds (5 s is "5 s", not "1 min"), in both languages', () => {
    const status = { ...new FakeSession('g', 'c', P.captain).status(), sessionAgeMs: 5_000 };
    const today = { usedMinutes: 0.1, capMinutes: null };
    expect(bodyText(statusEmbed(translator('en-US'), { status, today }))).toContain('Session\n5 s ·');
    expect(
      bodyText(statusEmbed(translator('en-US'), { status: { ...status, sessionAgeMs: 65_000 }, today })),
    ).toContain('Session\n1 min 5 s ·');
    expect(bodyText(statusEmbed(translator('zh-CN'), { status, today }))).toContain('会话\n5 秒 ·');
  });
});
