// HS256 JWTs for load tests, pure JavaScript: k6 has neither Buffer nor a JWT library, and the
// node test must check the very same code. The HMAC is passed in: `k6/crypto`'s
// `hmac('sha256', secret, data, 'base64rawurl')` in k6 (see tokens.js), node:crypto in the test.

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** UTF-8 bytes of a string (surrogate pairs included). */
export function utf8Bytes(text) {
  const bytes = [];
  for (const char of String(text)) {
    const cp = char.codePointAt(0);
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return bytes;
}

/** The string whose UTF-8 encoding is `bytes`. */
export function utf8Decode(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let cp;
    if (b < 0x80) {
      cp = b;
      i += 1;
    } else if (b < 0xe0) {
      cp = ((b & 31) << 6) | (bytes[i + 1] & 63);
      i += 2;
    } else if (b < 0xf0) {
      cp = ((b & 15) << 12) | ((bytes[i + 1] & 63) << 6) | (bytes[i + 2] & 63);
      i += 3;
    } else {
      cp = ((b & 7) << 18) | ((bytes[i + 1] & 63) << 12) | ((bytes[i + 2] & 63) << 6) | (bytes[i + 3] & 63);
      i += 4;
    }
    out += String.fromCodePoint(cp);
  }
  return out;
}

/** Unpadded base64url (RFC 7515 §2) of a byte array. */
export function base64UrlFromBytes(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8) | (bytes[i + 2] || 0);
    out += B64URL[(n >> 18) & 63] + B64URL[(n >> 12) & 63];
    if (i + 1 < bytes.length) out += B64URL[(n >> 6) & 63];
    if (i + 2 < bytes.length) out += B64URL[n & 63];
  }
  return out;
}

/** Bytes of an (unpadded or padded) base64url string; throws on foreign characters. */
export function bytesFromBase64Url(text) {
  const clean = String(text).replace(/=+$/, '');
  const bytes = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = B64URL.indexOf(char);
    if (value < 0) throw new Error(`not base64url: ${JSON.stringify(char)}`);
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 255);
    }
  }
  return bytes;
}

export function base64UrlJson(value) {
  return base64UrlFromBytes(utf8Bytes(JSON.stringify(value)));
}

/**
 * Mint an HS256 token with Switchboard's claims (`sub`, `name`, `role`, `phone`, `exp`).
 * @param {{ sub: string, name?: string, role?: string, phone?: string, expiresInSeconds?: number, nowSeconds?: number }} claims
 * @param {string} secret
 * @param {(secret: string, data: string) => string} hmacSha256Base64Url unpadded base64url HMAC-SHA256
 */
export function mintToken(claims, secret, hmacSha256Base64Url) {
  const { expiresInSeconds = 24 * 3600, nowSeconds = Math.floor(Date.now() / 1000), ...rest } = claims;
  if (typeof rest.sub !== 'string' || rest.sub === '') throw new Error('a token needs a sub (user id)');
  const payload = { iat: nowSeconds, exp: nowSeconds + expiresInSeconds };
  for (const key of Object.keys(rest)) if (rest[key] !== undefined) payload[key] = rest[key];
  const input = `${base64UrlJson({ alg: 'HS256', typ: 'JWT' })}.${base64UrlJson(payload)}`;
  return `${input}.${hmacSha256Base64Url(secret, input)}`;
}

/** The claims of a token, WITHOUT verifying it: load tests use it to learn a pre-minted token's user id. */
export function decodeClaims(token) {
  const parts = String(token).split('.');
  if (parts.length !== 3) throw new Error('a JWT has three dot-separated parts');
  return JSON.parse(utf8Decode(bytesFromBase64Url(parts[1])));
}
