import { describe, expect, it } from 'vitest';
import { decodeClientEvent, decodeServerEvent } from './codec.ts';
import { STEPFUN_SAMPLES } from './stepfun-samples.ts';

const server = STEPFUN_SAMPLES.filter((s) => s.direction === 'server');
const client = STEPFUN_SAMPLES.filter((s) => s.direction === 'client');

describe("StepFun's published samples", () => {
  it('covers both pages and both directions', () => {
    expect(server.length).toBeGreaterThanOrEqual(29);
    expect(client.length).toBeGreaterThanOrEqual(20);
    expect(new Set(STEPFUN_SAMPLES.map((s) => s.page)).size).toBe(3);
  });

  for (const sample of server) {
    it(`decodes the server sample under "${sample.section}"`, () => {
      const raw = JSON.parse(sample.json) as { type: string };
      const e = decodeServerEvent(sample.json);
      expect(e.type, JSON.stringify(e)).not.toBe('invalid');
      expect(e.type).not.toBe('unknown');
      // The unwrapped error sample becomes an error event; every other keeps its type.
      expect(e.type).toBe(raw.type === 'invalid_request_error' ? 'error' : raw.type);
    });
  }

  for (const sample of client) {
    const raw = JSON.parse(sample.json) as { type: string };
    const expected = raw.type === 'scooby.dooby.doo' ? 'unknown' : raw.type;
    it(`decodes the client sample under "${sample.section}" (${raw.type})`, () => {
      expect(decodeClientEvent(sample.json).type).toBe(expected);
    });
  }

  it('reads what the session needs from the samples that differ from OpenAI', () => {
    const find = (type: string, section?: string) =>
      decodeServerEvent(
        server.find((s) => JSON.parse(s.json).type === type && (!section || s.section === section))!.json,
      );
    // No response_id on the deltas; "traceid" on audio.done: attributed by the session, not required here.
    expect(find('response.audio.delta')).toMatchObject({
      item_id: 'msg_008',
      delta: 'Base64EncodedAudioDelta',
    });
    expect(find('response.audio.delta')).not.toHaveProperty('response_id');
    expect(find('response.audio.done')).toMatchObject({ response_id: 'traceid', item_id: 'msg_008' });
    // A string token count does not stop the session from starting.
    expect(find('session.created', '创建 session 响应')).toMatchObject({
      session: { id: 'sess_001', max_response_output_tokens: '4096' },
    });
    expect(find('input_audio_buffer.speech_started')).toMatchObject({
      audio_start_ms: 1000,
      item_id: 'msg_003',
    });
    expect(find('conversation.item.input_audio_transcription.completed')).toMatchObject({
      item_id: 'msg_003',
      transcript: '你好',
    });
    // The developer guide's unwrapped error, and its function-call response.done without an id.
    expect(find('invalid_request_error')).toMatchObject({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        code: 'invalid_value',
        param: 'type',
        event_id: 'my_awesome_event',
      },
    });
    expect(find('response.done', '2. 用户请求与函数调用')).toMatchObject({
      response: { output: [expect.anything()] },
    });
  });

  it('reads a numeric-string audio_start_ms (the field table types it as a string) as a number', () => {
    const e = decodeServerEvent(
      '{"type":"input_audio_buffer.speech_started","audio_start_ms":"1000","item_id":"i"}',
    );
    expect(e).toMatchObject({ audio_start_ms: 1000 });
  });

  it("reads the console proxy's string error and a numeric 429 code", () => {
    expect(
      decodeServerEvent('{"type":"error","error":"connection_closed","message":"Unable to connect"}'),
    ).toMatchObject({
      type: 'error',
      error: { code: 'connection_closed', message: 'Unable to connect' },
    });
    expect(
      decodeServerEvent('{"type":"error","error":{"code":429,"message":"Rate limit exceeded"}}'),
    ).toMatchObject({
      error: { code: 429 },
    });
  });
});
