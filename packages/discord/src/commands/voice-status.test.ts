import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/translate.ts';
import { e2eeLine } from './voice-status-embed.ts';

const base = { negotiated: true, ready: true, protocolVersion: 1, withheldFrames: 0 };
const en = translator('en-US');
const zh = translator('zh-CN');

describe('/voice status: end-to-end encryption line', () => {
  it('shows DAVE, the epoch and the privacy code in groups of five, as Discord clients do', () => {
    expect(e2eeLine(en, { ...base, epoch: 7n, privacyCode: '123456789012345678901234567890' })).toBe(
      'end-to-end (DAVE v1) · epoch 7 · privacy code 12345 67890 12345 67890 12345 67890',
    );
    expect(e2eeLine(zh, { ...base, epoch: 7n, privacyCode: '123456789012345678901234567890' })).toContain(
      '12345 67890 12345 67890 12345 67890',
    );
  });

  it('says when the group is still being set up, when the call is transport-only, and when unknown', () => {
    expect(e2eeLine(en, { ...base, ready: false, epoch: undefined, privacyCode: undefined })).toMatch(
      /being set up; I stay silent until it is/,
    );
    expect(
      e2eeLine(en, {
        ...base,
        negotiated: false,
        ready: false,
        protocolVersion: 0,
        epoch: undefined,
        privacyCode: undefined,
      }),
    ).toBe('transport only (this call is not end-to-end encrypted)');
    expect(e2eeLine(en, undefined)).toBe('unknown');
    expect(e2eeLine(zh, undefined)).toBe('未知');
  });
});
