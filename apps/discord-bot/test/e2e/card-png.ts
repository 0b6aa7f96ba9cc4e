// A character card as SillyTavern exports it: a PNG image with the card in a text chunk. Built here
// from the published format, independently of the bot's reader: the PNG spec's chunk layout
// (length, type, data, CRC-32 over type and data — https://www.w3.org/TR/png-3/#5Chunk-layout) and
// the Character Card V3 spec's embedding (a tEXt chunk keyed `ccv3` holding the card as base64 of
// its UTF-8 JSON — https://github.com/kwaroran/character-card-spec-v3/blob/main/SPEC_V3.md), with
// the V2 card in a `chara` chunk beside it when given, as exporters do for older readers.
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** tEXt: a Latin-1 keyword, a NUL, the text (base64 is plain ASCII). */
function textChunk(keyword: string, text: string): Buffer {
  return chunk(
    'tEXt',
    Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]),
  );
}

const base64Json = (card: unknown) => Buffer.from(JSON.stringify(card), 'utf8').toString('base64');

/** A 1×1 grey PNG carrying `card` in a `ccv3` chunk (and `v2` in a `chara` chunk, when given). */
export function cardPng(card: unknown, v2?: unknown): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0); // width
  ihdr.writeUInt32BE(1, 4); // height
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  // One scanline: filter type 0, one 8-bit sample.
  const idat = deflateSync(Buffer.from([0, 0x80]));
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    ...(v2 === undefined ? [] : [textChunk('chara', base64Json(v2))]),
    textChunk('ccv3', base64Json(card)),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
