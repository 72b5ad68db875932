// The `k6/encoding` module: base64 in its four alphabets.

type Enc = 'std' | 'rawstd' | 'url' | 'rawurl';

function toBuffer(input: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (input instanceof ArrayBuffer) return Buffer.from(input);
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

export function b64encode(input: string | ArrayBuffer, encoding: Enc = 'std'): string {
  const url = encoding === 'url' || encoding === 'rawurl';
  let out = toBuffer(input).toString(url ? 'base64url' : 'base64');
  if (encoding === 'url') out += '='.repeat((4 - (out.length % 4)) % 4);
  if (encoding === 'rawstd') out = out.replace(/=+$/, '');
  return out;
}

export function b64decode(
  input: string,
  encoding: Enc = 'std',
  format?: 's',
): ArrayBuffer | string {
  const url = encoding === 'url' || encoding === 'rawurl';
  const buf = Buffer.from(input, url ? 'base64url' : 'base64');
  if (format === 's') return buf.toString('utf8');
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

export default { b64encode, b64decode };
