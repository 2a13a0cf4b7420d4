import { checkTokenClaims, grantedScopes, summarizeToken } from '../../../cli/verify/token-claims';

const NOW = 1_800_000_000;
const expected = { issuer: 'https://dev-1.okta.com/oauth2/aus1', audience: 'api://ki', clientId: '0oa1', scopes: ['ki.read', 'ki.list'] };

/** Claims of an Okta client-credentials access token that matches `expected`. */
const oktaClaims = {
  ver: 1,
  jti: 'AT.abc',
  iss: expected.issuer,
  aud: expected.audience,
  iat: NOW - 60,
  exp: NOW + 3540,
  cid: expected.clientId,
  scp: ['ki.read', 'ki.list'],
  sub: expected.clientId,
};

const statuses = (claims: Record<string, unknown>) =>
  Object.fromEntries(checkTokenClaims(claims, expected, NOW).map((result) => [result.id, result.status]));

describe('checkTokenClaims', () => {
  it("passes Okta's claims (scp array, cid)", () => {
    expect(statuses(oktaClaims)).toEqual({ tokenIssuer: 'pass', tokenAudience: 'pass', tokenExpiry: 'pass', tokenScopes: 'pass', tokenClient: 'pass', tokenSubject: 'pass' });
  });

  it("passes RFC 9068's claims (scope string, client_id)", () => {
    const { scp: _scp, cid: _cid, ...common } = oktaClaims;

    expect(statuses({ ...common, scope: 'ki.list ki.read', client_id: expected.clientId })).toMatchObject({ tokenScopes: 'pass', tokenClient: 'pass' });
  });

  it('accepts an audience list that holds the audience', () => {
    expect(statuses({ ...oktaClaims, aud: ['api://other', expected.audience] })).toMatchObject({ tokenAudience: 'pass' });
  });

  it('fails exp at the current second and passes it one second later', () => {
    expect(statuses({ ...oktaClaims, exp: NOW })).toMatchObject({ tokenExpiry: 'fail' });
    expect(statuses({ ...oktaClaims, exp: NOW + 1 })).toMatchObject({ tokenExpiry: 'pass' });
  });

  it('fails a token without exp', () => {
    const { exp: _exp, ...withoutExp } = oktaClaims;

    expect(checkTokenClaims(withoutExp, expected, NOW)[2]).toMatchObject({ status: 'fail', detail: 'exp is missing, but must be a time in seconds' });
  });

  it('names the scopes not granted', () => {
    expect(checkTokenClaims({ ...oktaClaims, scp: ['ki.read'] }, expected, NOW)[3]).toMatchObject({
      status: 'fail',
      detail: 'granted: ki.read, not granted: ki.list',
      hint: 'the access policy rule grants fewer scopes than the stack asks for: check stacks[].okta.scopes and stacks[].okta.rule',
    });
  });

  it('fails the sub check when sub is not the client ID, naming the trust condition it breaks', () => {
    expect(checkTokenClaims({ ...oktaClaims, sub: 'someone@example.com' }, expected, NOW)[5]).toEqual({
      id: 'tokenSubject',
      title: "Token sub equals the stack's client ID (the AWS trust's :sub condition)",
      status: 'fail',
      detail: `sub is "someone@example.com", the stack's client ID is "0oa1"`,
      hint: `AWS STS would refuse this token: the role's trust policy requires the condition dev-1.okta.com/oauth2/aus1:sub = "0oa1"`,
    });
  });

  it('fails the sub check when the token has no sub, and passes the client check on cid alone', () => {
    const { sub: _sub, ...withoutSub } = oktaClaims;

    expect(statuses(withoutSub)).toMatchObject({ tokenClient: 'pass', tokenSubject: 'fail' });
    expect(checkTokenClaims(withoutSub, expected, NOW)[5].detail).toBe(`sub is missing, the stack's client ID is "0oa1"`);
  });

  it('fails the client check when the token names another client', () => {
    expect(checkTokenClaims({ ...oktaClaims, cid: '0oa2' }, expected, NOW)[4]).toMatchObject({
      status: 'fail',
      detail: `cid/client_id is "0oa2", the stack's client ID is "0oa1"`,
    });
  });

  it('fails issuer and audience checks, saying what was seen and what the stack expects', () => {
    const [issuer, audience] = checkTokenClaims({ ...oktaClaims, iss: 'https://other', aud: undefined }, expected, NOW);

    expect(issuer).toMatchObject({ status: 'fail', detail: `iss is "https://other", the stack's issuer is "${expected.issuer}"` });
    expect(audience).toMatchObject({ status: 'fail', detail: `aud is missing, the stack's audience is "api://ki"` });
  });
});

describe('grantedScopes', () => {
  it('prefers scp, ignores empty entries of scope, and finds none when neither is present', () => {
    expect(grantedScopes({ scp: ['a'], scope: 'b' })).toEqual(['a']);
    expect(grantedScopes({ scope: 'a  b' })).toEqual(['a', 'b']);
    expect(grantedScopes({})).toEqual([]);
  });
});

describe('summarizeToken', () => {
  it('reports the lifetime and every claim but jti', () => {
    const summary = summarizeToken({ alg: 'RS256', kid: 'k1' }, oktaClaims);

    expect(summary).toMatchObject({ algorithm: 'RS256', keyId: 'k1', lifetimeSeconds: 3600, issuedAt: '2027-01-15T07:59:00.000Z' });
    expect(Object.keys(summary.claims)).toEqual(['ver', 'iss', 'aud', 'iat', 'exp', 'cid', 'scp', 'sub']);
  });
});
