import crypto from 'node:crypto';
import { AUTH_ERRORS, JwtClaimsSchema, type Principal } from '@switchboard/protocol';
import jwt from 'jsonwebtoken';
import { AppError } from './app-error.ts';

export interface AuthConfig {
  /** HS256 secret. */
  secret?: string;
  /** PEM public key; when set, RS256 tokens are verified instead. */
  publicKey?: string;
}

/** A refused token, carrying the exact `connect_error` message clients match on. */
export class AuthError extends AppError {
  constructor(message: (typeof AUTH_ERRORS)[keyof typeof AUTH_ERRORS]) {
    super('UNAUTHENTICATED', message);
  }
}

/** A verified token: who it names and when it expires (ms epoch; undefined: no `exp`). */
export interface VerifiedToken {
  principal: Principal;
  expiresAt?: number;
}

export interface TokenVerifier {
  verify(token: unknown): Principal;
  /** Same checks as `verify`, also answering the expiry (live sockets are cut off at `exp`). */
  verifyToken(token: unknown): VerifiedToken;
}

const MAX_DATE_MS = 8.64e15;

export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  if (!config.publicKey && !config.secret) throw new Error('JWT_SECRET or JWT_PUBLIC_KEY is required');
  // A KeyObject made once: given a string, jsonwebtoken first tries to parse it as a PEM public
  // key on every verify and falls back to a secret only after that throws — measured as the
  // largest single cost of a gateway handshake (docs/performance.md, "Profile").
  const key = config.publicKey
    ? crypto.createPublicKey(config.publicKey)
    : crypto.createSecretKey(Buffer.from(config.secret!, 'utf8'));
  const algorithms: jwt.Algorithm[] = config.publicKey ? ['RS256'] : ['HS256'];
  const verifyToken = (token: unknown): VerifiedToken => {
    if (typeof token !== 'string' || token.trim() === '') throw new AuthError(AUTH_ERRORS.noToken);
    let decoded: string | jwt.JwtPayload;
    try {
      decoded = jwt.verify(token, key, { algorithms });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw new AuthError(AUTH_ERRORS.tokenExpired);
      throw new AuthError(AUTH_ERRORS.invalidToken);
    }
    const claims = JwtClaimsSchema.safeParse(decoded);
    if (!claims.success) throw new AuthError(AUTH_ERRORS.invalidToken);
    const { sub, name, role, phone, exp } = claims.data;
    const normalized = phone ? normalizePhone(phone) : undefined;
    const principal: Principal = {
      userId: sub,
      name: name ?? sub,
      role: role ?? 'user',
      ...(normalized ? { phone: normalized } : {}),
    };
    // An `exp` past the last date JavaScript can represent (year 275760) never comes: no expiry.
    const expiresAt = exp !== undefined && exp * 1000 <= MAX_DATE_MS ? exp * 1000 : undefined;
    return { principal, ...(expiresAt !== undefined ? { expiresAt } : {}) };
  };
  return { verifyToken, verify: (token) => verifyToken(token).principal };
}

/** Token from `Authorization: Bearer …`, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/**
 * E.164-ish normalisation so "+1 (555) 010-2030" and "+15550102030" match: keep digits and a
 * leading plus; "00" international prefix becomes "+". Returns undefined for non-numbers.
 */
export function normalizePhone(input: string): string | undefined {
  const trimmed = input.trim();
  let digits = trimmed.replace(/[^\d]/g, '');
  const plus = trimmed.startsWith('+') || trimmed.startsWith('00');
  if (trimmed.startsWith('00')) digits = digits.slice(2);
  if (digits.length < 3 || digits.length > 15) return undefined;
  return plus ? `+${digits}` : digits;
}

export interface SignTokenOptions {
  name?: string;
  role?: string;
  phone?: string;
  expiresInSeconds?: number;
}

/** Dev and test helper: mint an HS256 token. */
export function signToken(secret: string, userId: string, options: SignTokenOptions = {}): string {
  const { expiresInSeconds = 24 * 3600, ...claims } = options;
  const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return jwt.sign({ sub: userId, ...payload }, secret, { algorithm: 'HS256', expiresIn: expiresInSeconds });
}
