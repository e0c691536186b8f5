// Types of jwt.js for the node test (tsc); k6 ignores this file.
export type HmacSha256Base64Url = (secret: string, data: string) => string;
export interface MintClaims {
  sub: string;
  name?: string;
  role?: string;
  phone?: string;
  expiresInSeconds?: number;
  nowSeconds?: number;
}

export declare function utf8Bytes(text: string): number[];
export declare function utf8Decode(bytes: number[]): string;
export declare function base64UrlFromBytes(bytes: number[]): string;
export declare function bytesFromBase64Url(text: string): number[];
export declare function base64UrlJson(value: unknown): string;
export declare function mintToken(claims: MintClaims, secret: string, hmac: HmacSha256Base64Url): string;
export declare function decodeClaims(token: string): Record<string, unknown>;
