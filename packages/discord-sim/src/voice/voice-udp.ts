/**
 * The UDP media endpoint: IP discovery (voice-connections "IP Discovery"), keep-alives, and RTP
 * from bots, opened with the session's transport key and handed to the sim.
 */
import type { RemoteInfo } from 'node:dgram';
import { parseRtpPacket } from '../rtp/rtp.ts';
import type { VoiceServer } from './voice-server.ts';

export function handleVoiceDatagram(server: VoiceServer, msg: Buffer, rinfo: RemoteInfo): void {
  const { stats } = server;
  if (msg.length === 74 && msg.readUInt16BE(0) === 1) {
    const ssrc = msg.readUInt32BE(4);
    const s = [...server.sessions.values()].find((x) => x.ssrc === ssrc);
    if (!s) return;
    s.udp = rinfo;
    const reply = Buffer.alloc(74);
    reply.writeUInt16BE(2, 0);
    reply.writeUInt16BE(70, 2);
    reply.writeUInt32BE(ssrc, 4);
    reply.write(rinfo.address, 8, 'utf8');
    reply.writeUInt16BE(rinfo.port, 72);
    server.udp.send(reply, rinfo.port, rinfo.address);
    return;
  }
  if (msg.length === 8) {
    stats.keepAlives++;
    return;
  }
  if (msg.length < 12) return;
  const now = performance.now();
  if (now < server.dropFromBotUntil) {
    stats.droppedFromBot++;
    return;
  }
  const ssrc = msg.readUInt32BE(8);
  const s = [...server.sessions.values()].find((x) => x.ssrc === ssrc);
  if (!s?.mode || !s.key) return;
  const parsed = parseRtpPacket(s.mode, s.key, msg);
  if (!parsed) {
    stats.undecryptableFromBot++;
    return;
  }
  stats.packetsFromBot++;
  server.opts.onBotPacket(s, parsed, now);
  server.opts.onChange();
}
