import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

/*
 * Just enough of a TURN client (RFC 5389 STUN messages, RFC 5766 Allocate and CreatePermission,
 * long-term credentials) to ask a real TURN server what a browser would: may these credentials
 * allocate a relay, and may that relay talk to this peer address? CreatePermission sends nothing
 * to the peer; it only asks the server to allow it.
 */

const MAGIC_COOKIE = 0x2112a442;
const METHOD = { allocate: 0x003, createPermission: 0x008 } as const;
const ATTRIBUTE = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  xorPeerAddress: 0x0012,
  realm: 0x0014,
  nonce: 0x0015,
  xorRelayedAddress: 0x0016,
  requestedTransport: 0x0019,
} as const;
const UDP_PROTOCOL = 17;

export type TurnAnswer = { ok: true; relayedAddress?: string } | { ok: false; errorCode: number; reason: string };

interface StunMessage {
  type: number;
  transactionId: Buffer;
  attributes: Map<number, Buffer>;
}

export class TurnClient {
  private readonly socket: Socket = createSocket('udp4');
  private realm = '';
  private nonce = '';

  constructor(
    private readonly server: { host: string; port: number },
    private readonly credentials: { username: string; password: string },
  ) {}

  /** Allocate a UDP relay: first unauthenticated (to learn realm and nonce), then with the credentials. */
  async allocate(): Promise<TurnAnswer> {
    const transport = Buffer.from([UDP_PROTOCOL, 0, 0, 0]);
    const challenge = await this.send(METHOD.allocate, [[ATTRIBUTE.requestedTransport, transport]], false);
    if (challenge.ok) return challenge;
    if (challenge.errorCode !== 401) return challenge;
    return this.send(METHOD.allocate, [[ATTRIBUTE.requestedTransport, transport]], true);
  }

  /** Asks the server to let the relay exchange packets with `peerIp` (nothing is sent to it). */
  createPermission(peerIp: string): Promise<TurnAnswer> {
    return this.send(METHOD.createPermission, [[ATTRIBUTE.xorPeerAddress, xorAddress(peerIp, 9)]], true);
  }

  close(): void {
    this.socket.close();
  }

  private async send(method: number, attributes: [number, Buffer][], authenticated: boolean, retried = false): Promise<TurnAnswer> {
    const transactionId = randomBytes(12);
    const request = encode(method, transactionId, attributes, authenticated ? this.auth() : null);
    const response = await this.exchange(request, transactionId);
    const realm = response.attributes.get(ATTRIBUTE.realm);
    const nonce = response.attributes.get(ATTRIBUTE.nonce);
    if (realm) this.realm = realm.toString();
    if (nonce) this.nonce = nonce.toString();
    const answer = readAnswer(response);
    // 438 Stale Nonce: the server handed a fresh one; once more with it.
    if (!answer.ok && answer.errorCode === 438 && !retried) return this.send(method, attributes, authenticated, true);
    return answer;
  }

  private auth(): { username: string; realm: string; nonce: string; key: Buffer } {
    const { username, password } = this.credentials;
    const key = createHash('md5').update(`${username}:${this.realm}:${password}`).digest();
    return { username, realm: this.realm, nonce: this.nonce, key };
  }

  private exchange(request: Buffer, transactionId: Buffer, timeoutMs = 3_000): Promise<StunMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.off('message', onMessage);
        reject(new Error('no answer from the TURN server'));
      }, timeoutMs);
      const onMessage = (packet: Buffer) => {
        const message = decode(packet);
        if (!message || !message.transactionId.equals(transactionId)) return;
        clearTimeout(timer);
        this.socket.off('message', onMessage);
        resolve(message);
      };
      this.socket.on('message', onMessage);
      this.socket.send(request, this.server.port, this.server.host);
    });
  }
}

function encode(method: number, transactionId: Buffer, attributes: [number, Buffer][], auth: { username: string; realm: string; nonce: string; key: Buffer } | null): Buffer {
  const all: [number, Buffer][] = [...attributes];
  if (auth) all.push([ATTRIBUTE.username, Buffer.from(auth.username)], [ATTRIBUTE.realm, Buffer.from(auth.realm)], [ATTRIBUTE.nonce, Buffer.from(auth.nonce)]);
  const body = Buffer.concat(all.map(([type, value]) => attribute(type, value)));
  if (!auth) return Buffer.concat([header(method, body.length, transactionId), body]);
  // MESSAGE-INTEGRITY covers the message as if it already ended with the 24-byte attribute.
  const signed = Buffer.concat([header(method, body.length + 24, transactionId), body]);
  const integrity = createHmac('sha1', auth.key).update(signed).digest();
  return Buffer.concat([signed, attribute(ATTRIBUTE.messageIntegrity, integrity)]);
}

function header(method: number, length: number, transactionId: Buffer): Buffer {
  const buffer = Buffer.alloc(20);
  buffer.writeUInt16BE(method, 0); // class "request" adds no bits
  buffer.writeUInt16BE(length, 2);
  buffer.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(buffer, 8);
  return buffer;
}

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

function decode(packet: Buffer): StunMessage | null {
  if (packet.length < 20 || packet.readUInt32BE(4) !== MAGIC_COOKIE) return null;
  const attributes = new Map<number, Buffer>();
  const end = Math.min(packet.length, 20 + packet.readUInt16BE(2));
  for (let offset = 20; offset + 4 <= end; ) {
    const type = packet.readUInt16BE(offset);
    const length = packet.readUInt16BE(offset + 2);
    attributes.set(type, packet.subarray(offset + 4, offset + 4 + length));
    offset += 4 + Math.ceil(length / 4) * 4;
  }
  return { type: packet.readUInt16BE(0), transactionId: packet.subarray(8, 20), attributes };
}

/** Success (class bits 10) or error (11) response, with the error code and the relayed address. */
function readAnswer(message: StunMessage): TurnAnswer {
  const isError = (message.type & 0x0110) === 0x0110;
  if (!isError) {
    const relayed = message.attributes.get(ATTRIBUTE.xorRelayedAddress);
    return { ok: true, ...(relayed ? { relayedAddress: readXorAddress(relayed) } : {}) };
  }
  const error = message.attributes.get(ATTRIBUTE.errorCode);
  if (!error) return { ok: false, errorCode: 0, reason: 'error response without ERROR-CODE' };
  return { ok: false, errorCode: (error[2]! & 0x07) * 100 + error[3]!, reason: error.subarray(4).toString() };
}

function xorAddress(ip: string, port: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeUInt8(0x01, 1); // IPv4
  buffer.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 2);
  const address = ip.split('.').reduce((value, octet) => (value << 8) | Number(octet), 0) >>> 0;
  buffer.writeUInt32BE((address ^ MAGIC_COOKIE) >>> 0, 4);
  return buffer;
}

function readXorAddress(value: Buffer): string {
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const address = (value.readUInt32BE(4) ^ MAGIC_COOKIE) >>> 0;
  return `${[24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.')}:${port}`;
}
