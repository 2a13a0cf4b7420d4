import type { TokenClaims } from './token-claims';

/** Asymmetric algorithms only: a token "signed" with `none` or a shared secret proves nothing here. */
const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export type DecodedToken =
  | { readonly decoded: true; readonly header: TokenClaims; readonly claims: TokenClaims }
  | { readonly decoded: false; readonly detail: string };

export type SignatureResult = { readonly verified: true } | { readonly verified: false; readonly detail: string };

// jose is loaded on first use, one module at a time: its index costs several times as much to load.

/** Reads a JWT's header and claims without trusting them. */
export async function decodeToken(token: string): Promise<DecodedToken> {
  const [{ decodeJwt }, { decodeProtectedHeader }] = await Promise.all([import('jose/jwt/decode'), import('jose/decode/protected_header')]);
  try {
    return { decoded: true, header: decodeProtectedHeader(token), claims: decodeJwt(token) };
  } catch {
    return { decoded: false, detail: 'the access token is not a signed JWT (Okta custom authorization servers issue JWTs)' };
  }
}

/** Verifies the token's signature with the keys published at jwks_uri (the JSON given here). */
export async function verifySignature(token: string, jwks: unknown): Promise<SignatureResult> {
  const [{ compactVerify }, { createLocalJWKSet }, { JOSEError }] = await Promise.all([
    import('jose/jws/compact/verify'),
    import('jose/jwks/local'),
    import('jose/errors'),
  ]);
  try {
    await compactVerify(token, createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]), { algorithms: ACCEPTED_ALGORITHMS });
    return { verified: true };
  } catch (error) {
    if (error instanceof JOSEError) return { verified: false, detail: `${error.code}: ${error.message}` };
    throw error;
  }
}
