// Types of identities.js for the node test (tsc); k6 ignores this file.
import type { HmacSha256Base64Url } from './jwt.js';

export declare const DEV_JWT_SECRET: string;
export interface Identities {
  preMinted: boolean;
  count: number | undefined;
  userIdOf(index: number): string;
  tokenFor(index: number, claims?: { role?: string }): string;
}
export declare function createIdentities(options: {
  tokens?: string[];
  secret?: string;
  prefix: string;
  hmac: HmacSha256Base64Url;
}): Identities;
export declare function splitList(value: unknown): string[] | undefined;
