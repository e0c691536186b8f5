/** Who is signed in: the JWT and the claims the page shows (the server verifies; the page only reads). */
export interface Session {
  token: string;
  userId: string;
  name: string;
  role: string;
  phone?: string;
  /** ms since epoch, when the token carries `exp`. */
  expiresAt?: number;
}

const KEY = 'switchboard.session';

function base64UrlDecode(part: string): string {
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Read a JWT's claims without verifying it; a malformed token is an Error with a sentence for the page. */
export function sessionFromToken(token: string): Session {
  const trimmed = token.trim();
  const parts = trimmed.split('.');
  if (parts.length !== 3) throw new Error('That is not a JWT: it needs three dot-separated parts.');
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(base64UrlDecode(parts[1]!)) as Record<string, unknown>;
  } catch {
    throw new Error('That is not a JWT: its middle part is not base64url JSON.');
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new Error('The token has no `sub` (user id) claim.');
  const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  if (exp !== undefined && exp <= Date.now()) throw new Error('The token has expired: mint a new one.');
  return {
    token: trimmed,
    userId: claims.sub,
    name: typeof claims.name === 'string' && claims.name ? claims.name : claims.sub,
    role: typeof claims.role === 'string' && claims.role ? claims.role : 'user',
    ...(typeof claims.phone === 'string' ? { phone: claims.phone } : {}),
    ...(exp !== undefined ? { expiresAt: exp } : {}),
  };
}

/** The session of this tab. sessionStorage, so two tabs of one browser can be two people. */
export function loadSession(): Session | undefined {
  const token = sessionStorage.getItem(KEY);
  if (!token) return undefined;
  try {
    return sessionFromToken(token);
  } catch {
    sessionStorage.removeItem(KEY);
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, session.token);
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
