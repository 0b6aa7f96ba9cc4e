import { describe, expect, it } from 'vitest';
import type { ClientEvent } from './client-events.ts';
import { decodeClientEvent, decodeServerEvent, encodeClientEvent, encodeServerEvent } from './codec.ts';
import { serverEventFixtures } from './fixtures.ts';
import { serverEventSchemas } from './server-events.ts';

describe('server event codec', () => {
  it('has a fixture for every modelled server event', () => {
    expect(Object.keys(serverEventFixtures).sort()).toEqual(Object.keys(serverEventSchemas).sort());
  });

  for (const [type, fixture] of Object.entries(serverEventFixtures)) {
    it(`decodes ${type}`, () => {
      const decoded = decodeServerEvent(JSON.stringify(fixture));
      expect(decoded.type).toBe(type);
      expect(decoded).toMatchObject(fixture);
      expect(decodeServerEvent(encodeServerEvent(fixture))).toMatchObject(fixture);
    });
  }

  it('maps the newer output_audio spellings onto the classic names', () => {
    const e = decodeServerEvent(
      JSON.stringify({ type: 'response.output_audio.delta', response_id: 'r', item_id: 'i', delta: 'AA==' }),
    );
    expect(e).toMatchObject({ type: 'response.audio.delta', delta: 'AA==' });
  });

  it('passes unknown event types through without throwing', () => {
    const e = decodeServerEvent(Buffer.from(JSON.stringify({ type: 'vendor.thing', x: 1 })));
    expect(e).toEqual({ type: 'unknown', eventType: 'vendor.thing', raw: { type: 'vendor.thing', x: 1 } });
  });

  it.each([
    ['{"type":', 'malformed_json', /malformed JSON/],
    ['[1,2]', 'not_an_object', /not a JSON object/],
    ['{"x":1}', 'no_type', /no string "type"/],
    ['{"type":"response.audio.delta","delta":5}', 'schema', /invalid response\.audio\.delta: item_id/],
    ['{"type":"error","error":{}}', 'schema', /invalid error: error\.message/],
  ])('turns %s into a typed invalid event', (raw, problem, reason) => {
    const e = decodeServerEvent(raw);
    expect(e).toMatchObject({ type: 'invalid', problem });
    if (e.type === 'invalid') expect(e.reason).toMatch(reason);
  });

  it('reports a deeply nested invalid event instead of throwing (the excerpt used to re-stringify it)', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const e = decodeServerEvent(`{"type":"response.done","response":{"id":5,"x":${deep}}}`);
    expect(e).toMatchObject({ type: 'invalid', problem: 'schema', eventType: 'response.done' });
    if (e.type === 'invalid') expect(e.excerpt.length).toBeLessThan(300);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'treats "type":"%s" as an unknown event, not an Object.prototype member',
    (type) => {
      expect(decodeServerEvent(JSON.stringify({ type }))).toMatchObject({ type: 'unknown', eventType: type });
    },
  );

  it('rejects oversized frames before parsing them', () => {
    const e = decodeServerEvent('x'.repeat(1001), 1000);
    expect(e).toMatchObject({
      type: 'invalid',
      problem: 'too_large',
      reason: expect.stringMatching(/exceeds the 1000-byte limit/),
    });
  });

  it('names an oversized event by the type at its head, with a bounded excerpt', () => {
    const big = `{"event_id":"e1","type":"response.audio.delta","delta":"${'A'.repeat(5000)}"}`;
    for (const frame of [big, new TextEncoder().encode(big)]) {
      const e = decodeServerEvent(frame, 1000);
      expect(e).toMatchObject({ type: 'invalid', problem: 'too_large', eventType: 'response.audio.delta' });
      if (e.type === 'invalid') expect(e.excerpt.length).toBeLessThan(300);
    }
  });

  it('keeps extra provider fields (loose schemas)', () => {
    const e = decodeServerEvent(JSON.stringify({ ...serverEventFixtures['response.done'], trace: 'abc' }));
    expect(e).toMatchObject({ type: 'response.done', trace: 'abc' });
  });
});

describe('client event codec', () => {
  const events: ClientEvent[] = [
    { type: 'session.update', session: { voice: 'v', instructions: 'i', turn_detection: null } },
    { type: 'input_audio_buffer.append', audio: 'AAAA' },
    { type: 'input_audio_buffer.commit' },
    { type: 'input_audio_buffer.clear' },
    {
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: '[Alice]' }] },
    },
    { type: 'conversation.item.truncate', item_id: 'i', content_index: 0, audio_end_ms: 300 },
    { type: 'conversation.item.delete', item_id: 'i' },
    { type: 'response.create', response: { instructions: 'greet' } },
    { type: 'response.cancel' },
  ];
  for (const event of events) {
    it(`round-trips ${event.type}`, () => {
      expect(decodeClientEvent(encodeClientEvent(event))).toEqual(event);
    });
  }

  it('encodes audio appends as valid JSON without stringify', () => {
    const text = encodeClientEvent({ type: 'input_audio_buffer.append', audio: 'QUJD' });
    expect(JSON.parse(text)).toEqual({ type: 'input_audio_buffer.append', audio: 'QUJD' });
  });

  it.each(['constructor', '__proto__', 'toString', 'valueOf'])(
    'passes client "type":"%s" through as unknown (it used to throw and crash the simulator)',
    (type) => {
      expect(decodeClientEvent(JSON.stringify({ type }))).toMatchObject({ type: 'unknown', eventType: type });
    },
  );

  it('reports invalid client events with the offending field', () => {
    const e = decodeClientEvent('{"type":"conversation.item.truncate","item_id":"i","audio_end_ms":-1}');
    expect(e).toMatchObject({ type: 'invalid', eventType: 'conversation.item.truncate' });
  });
});
