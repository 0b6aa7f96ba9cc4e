import { describe, expect, it } from 'vitest';
import { publicEndReason } from './announce.ts';
import { translator } from './i18n/translate.ts';
import { END_MESSAGES } from './voice/connection-guard.ts';
import { modelFailureForUsers } from './voice/model-failure.ts';

const end = (reason: 'error' | 'disconnected', message?: string) => ({
  guildId: 'g',
  channelId: 'c',
  reason,
  ...(message ? { message } : {}),
});

describe('why a session stopped, in words for everyone', () => {
  it('translates the voice layer’s own explanations', () => {
    expect(publicEndReason(end('disconnected', END_MESSAGES.kicked)).key).toBe('ended.kicked');
    expect(publicEndReason(end('error', END_MESSAGES.daveRequired)).key).toBe('ended.daveRequired');
    expect(publicEndReason(end('error', END_MESSAGES.gatewayLost)).key).toBe('ended.gatewayLost');
    const storm = publicEndReason(end('error', END_MESSAGES.storm(5)));
    expect(translator('zh-CN').t(storm.key, storm.params)).toBe(
      'Discord 连续 5 次拒绝了语音连接；请等一分钟再试',
    );
    expect(publicEndReason(end('disconnected')).key).toBe('ended.disconnected');
  });

  it('translates the voice layer’s plain model-failure sentences', () => {
    const why = publicEndReason(end('error', modelFailureForUsers('quota')));
    expect(why.key).toBe('model.quota');
    expect(translator('zh-CN').t(why.key)).toContain('额度已用完');
  });

  it('never repeats operator advice (keys, env vars, model ids) in public', () => {
    const why = publicEndReason(
      end(
        'error',
        'The realtime server rejected the API key (HTTP 401). Check STEPFUN_API_KEY: create or copy a key.',
      ),
    );
    expect(why.key).toBe('ended.modelError');
    for (const lang of ['en-US', 'zh-CN']) {
      const t = translator(lang);
      const text = t.t('ended.notice', { persona: 'Mara', why: t.t(why.key, why.params) });
      expect(text).not.toMatch(/STEPFUN|API key|HTTP/);
    }
  });
});
