import { decodeToken, verifySignature } from '../../../cli/verify/token-signature';

// jose is an ES module: loaded as the verifier loads it.
const loadJose = () => import('jose');
type Jose = Awaited<ReturnType<typeof loadJose>>;
type JWK = Awaited<ReturnType<Jose['exportJWK']>>;
type SigningKey = Parameters<InstanceType<Jose['SignJWT']>['sign']>[0];
let jose: Jose;
beforeAll(async () => {
  jose = await loadJose();
});

// Tokens signed here with jose, the library the verifier itself uses; the e2e tests of `verify` check
// the same code against the tokens of a real OAuth 2.0 server (oidc-provider).

const CLAIMS = { iss: 'https://dev-1.okta.com/oauth2/aus1', aud: 'api://ki', cid: '0oa1', scp: ['ki.read'] };

/** Signs CLAIMS with `alg`, naming `kid` in the header; returns the token and the public key as a JWKS entry. */
async function signed(alg: string, kid = 'key-1', privateKey?: SigningKey): Promise<{ token: string; jwk: JWK }> {
  const pair = privateKey === undefined ? await jose.generateKeyPair(alg, { extractable: true }) : undefined;
  const key = privateKey ?? pair!.privateKey;
  const token = await new jose.SignJWT(CLAIMS).setProtectedHeader({ alg, kid }).setIssuedAt().sign(key);
  return { token, jwk: pair === undefined ? {} : { ...(await jose.exportJWK(pair.publicKey)), kid } };
}

describe('verifySignature', () => {
  // One RSA key serves every RS and PS algorithm; each curve has its own key.
  let rsa: { pkcs8: string; jwk: JWK };
  beforeAll(async () => {
    const pair = await jose.generateKeyPair('RS256', { extractable: true });
    rsa = { pkcs8: await jose.exportPKCS8(pair.privateKey), jwk: { ...(await jose.exportJWK(pair.publicKey)), kid: 'rsa' } };
  });

  it.each(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'])('accepts a %s token signed with a published RSA key', async (alg) => {
    const { token } = await signed(alg, 'rsa', await jose.importPKCS8(rsa.pkcs8, alg));
    await expect(verifySignature(token, { keys: [rsa.jwk] })).resolves.toEqual({ verified: true });
  });

  it.each(['ES256', 'ES384', 'ES512', 'EdDSA'])('accepts a %s token signed with a published key', async (alg) => {
    const { token, jwk } = await signed(alg);
    await expect(verifySignature(token, { keys: [jwk] })).resolves.toEqual({ verified: true });
  });

  it('refuses an HS256 token, although the shared secret is published as a key', async () => {
    const secret = new TextEncoder().encode('a shared secret of at least thirty-two bytes');
    const { token } = await signed('HS256', 'shared', secret);
    const jwks = { keys: [{ kty: 'oct', kid: 'shared', k: Buffer.from(secret).toString('base64url') }] };
    await expect(verifySignature(token, jwks)).resolves.toEqual({
      verified: false,
      detail: 'ERR_JOSE_ALG_NOT_ALLOWED: "alg" (Algorithm) Header Parameter value not allowed',
    });
  });

  it('refuses an unsigned token (alg "none")', async () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${part({ alg: 'none', kid: 'rsa' })}.${part(CLAIMS)}.`;
    await expect(verifySignature(token, { keys: [rsa.jwk] })).resolves.toEqual({
      verified: false,
      detail: 'ERR_JOSE_ALG_NOT_ALLOWED: "alg" (Algorithm) Header Parameter value not allowed',
    });
  });

  it('refuses a token signed with a key other than the published one under the same kid', async () => {
    const published = await signed('ES256', 'key-1');
    const { token } = await signed('ES256', 'key-1');
    await expect(verifySignature(token, { keys: [published.jwk] })).resolves.toEqual({
      verified: false,
      detail: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED: signature verification failed',
    });
  });

  it('refuses a token whose kid the key set does not hold', async () => {
    const { token, jwk } = await signed('ES256', 'key-1');
    await expect(verifySignature(token, { keys: [{ ...jwk, kid: 'key-2' }] })).resolves.toEqual({
      verified: false,
      detail: 'ERR_JWKS_NO_MATCHING_KEY: no applicable key found in the JSON Web Key Set',
    });
  });

  it('refuses a key set that is not one', async () => {
    const { token } = await signed('ES256');
    await expect(verifySignature(token, { keys: 'none' })).resolves.toEqual({ verified: false, detail: 'ERR_JWKS_INVALID: JSON Web Key Set malformed' });
  });
});

describe('decodeToken', () => {
  it("reads a JWT's header and claims without a key", async () => {
    const { token } = await signed('ES256', 'key-7');
    const decoded = await decodeToken(token);
    expect(decoded).toEqual({ decoded: true, header: { alg: 'ES256', kid: 'key-7' }, claims: { ...CLAIMS, iat: expect.any(Number) } });
  });

  it('says that an opaque token is not a signed JWT', async () => {
    await expect(decodeToken('opaque-access-token')).resolves.toEqual({
      decoded: false,
      detail: 'the access token is not a signed JWT (Okta custom authorization servers issue JWTs)',
    });
  });
});
