/** Listening TCP sockets of a process, from /proc (Linux): which address and port each is bound to. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ListeningSocket {
  family: 4 | 6;
  address: string;
  port: number;
  loopback: boolean;
}

function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) {
        out.add(m[1]);
      }
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

/** /proc/net/tcp keeps each 32-bit word of an address in host (little-endian) order. */
function words(hex: string): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < hex.length; i += 8) {
    const w = hex.slice(i, i + 8);
    out.push([6, 4, 2, 0].map((k) => parseInt(w.slice(k, k + 2), 16)));
  }
  return out;
}

function decode(family: 4 | 6, hex: string): { address: string; loopback: boolean } {
  const bytes = words(hex).flat();
  if (family === 4) {
    return { address: bytes.join('.'), loopback: bytes[0] === 127 };
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  }
  const address = groups.join(':');
  const v4mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  const loopback = address === '0:0:0:0:0:0:0:1' || (v4mapped && bytes[12] === 127);
  return { address, loopback };
}

export function listeningSockets(pid: number): ListeningSocket[] {
  const inodes = socketInodes(pid);
  const out: ListeningSocket[] = [];
  for (const [family, file] of [[4, '/proc/net/tcp'], [6, '/proc/net/tcp6']] as const) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.trim().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [local, state, inode] = [cols[1], cols[3], cols[9]];
      if (state !== '0A' || !inodes.has(inode)) {
        continue;
      }
      const [addrHex, portHex] = local.split(':');
      out.push({ family, port: parseInt(portHex, 16), ...decode(family, addrHex) });
    }
  }
  return out;
}
