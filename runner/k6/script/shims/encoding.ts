// `k6/encoding`: base64 in k6's four alphabets ('std', 'rawstd', 'url', 'rawurl').
type Alphabet = 'std' | 'rawstd' | 'url' | 'rawurl';

function bytes(input: string | ArrayBuffer | Uint8Array): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (input instanceof ArrayBuffer) return Buffer.from(input);
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

export function b64encode(input: string | ArrayBuffer | Uint8Array, encoding: Alphabet = 'std'): string {
  const b = bytes(input);
  if (encoding === 'std') return b.toString('base64');
  if (encoding === 'rawstd') return b.toString('base64').replace(/=+$/, '');
  if (encoding === 'rawurl') return b.toString('base64url');
  if (encoding === 'url') {
    const s = b.toString('base64url');
    return s + '='.repeat((4 - (s.length % 4)) % 4);
  }
  throw new Error(`b64encode(): unknown encoding ${JSON.stringify(encoding)} (std, rawstd, url, rawurl)`);
}

export function b64decode(input: string, encoding: Alphabet = 'std', format?: 's'): string | ArrayBuffer {
  if (!['std', 'rawstd', 'url', 'rawurl'].includes(encoding)) throw new Error(`b64decode(): unknown encoding ${JSON.stringify(encoding)}`);
  const b = Buffer.from(input, encoding === 'url' || encoding === 'rawurl' ? 'base64url' : 'base64');
  if (format === 's') return b.toString('utf8');
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export default { b64encode, b64decode };
