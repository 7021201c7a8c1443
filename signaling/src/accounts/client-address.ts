import { isIPv6 } from 'node:net';
import type { Request } from 'express';

/**
 * Who is signing in, as far as limits are concerned: the client's IPv4 address, or its IPv6 /64
 * (one subscriber's network hands out a whole /64, so single IPv6 addresses cost an attacker
 * nothing). `req.ip` follows X-Forwarded-For only when TRUST_PROXY names the proxy.
 */
export function clientAddress(req: Request): string {
  return addressKey(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0');
  const groups = [...headGroups, ...zeros, ...tailGroups].slice(0, 4);
  return `${groups.map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
}
