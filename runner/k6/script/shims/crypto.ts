// `k6/crypto` on node:crypto: the hashes and HMAC k6 scripts use, output 'hex', 'base64' or
// 'binary' (an ArrayBuffer), createHash/createHMAC with update/digest, randomBytes.
import nodeCrypto from 'node:crypto';

type Output = 'hex' | 'base64' | 'base64url' | 'base64rawurl' | 'binary';
type Input = string | ArrayBuffer | Uint8Array;

const ALGORITHMS: Record<string, string> = { md4: 'md4', md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512', sha512_224: 'sha512-224', sha512_256: 'sha512-256', ripemd160: 'ripemd160' };

function algorithm(name: string): string {
  const a = ALGORITHMS[name];
  if (!a) throw new Error(`k6/crypto: unknown hash ${JSON.stringify(name)} (${Object.keys(ALGORITHMS).join(', ')})`);
  return a;
}

function data(input: Input): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (input instanceof ArrayBuffer) return Buffer.from(input);
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

function out(b: Buffer, encoding: Output): string | ArrayBuffer {
  if (encoding === 'hex') return b.toString('hex');
  if (encoding === 'base64') return b.toString('base64');
  if (encoding === 'base64url') return b.toString('base64url') + '='.repeat((4 - (b.toString('base64url').length % 4)) % 4);
  if (encoding === 'base64rawurl') return b.toString('base64url');
  if (encoding === 'binary') return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  throw new Error(`k6/crypto: unknown output encoding ${JSON.stringify(encoding)} (hex, base64, base64url, base64rawurl, binary)`);
}

class Hasher {
  private readonly h: nodeCrypto.Hash | nodeCrypto.Hmac;
  constructor(h: nodeCrypto.Hash | nodeCrypto.Hmac) {
    this.h = h;
  }
  update(input: Input): void {
    this.h.update(data(input));
  }
  digest(encoding: Output): string | ArrayBuffer {
    return out(this.h.digest(), encoding);
  }
}

export function createHash(name: string): Hasher {
  return new Hasher(nodeCrypto.createHash(algorithm(name)));
}

export function createHMAC(name: string, secret: Input): Hasher {
  return new Hasher(nodeCrypto.createHmac(algorithm(name), data(secret)));
}

export function hmac(name: string, secret: Input, input: Input, encoding: Output): string | ArrayBuffer {
  return out(nodeCrypto.createHmac(algorithm(name), data(secret)).update(data(input)).digest(), encoding);
}

const hash = (name: string) => (input: Input, encoding: Output) => out(nodeCrypto.createHash(algorithm(name)).update(data(input)).digest(), encoding);
export const md4 = hash('md4');
export const md5 = hash('md5');
export const sha1 = hash('sha1');
export const sha256 = hash('sha256');
export const sha384 = hash('sha384');
export const sha512 = hash('sha512');
export const sha512_224 = hash('sha512_224');
export const sha512_256 = hash('sha512_256');
export const ripemd160 = hash('ripemd160');

export function randomBytes(n: number): ArrayBuffer {
  const b = nodeCrypto.randomBytes(n);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export default { createHash, createHMAC, hmac, md4, md5, sha1, sha256, sha384, sha512, sha512_224, sha512_256, ripemd160, randomBytes };
