import { foreignTokenEndpoint } from '../../../cli/verify/token-endpoint';

const ISSUER = 'https://dev-1.okta.com/oauth2/aus1';
const refusal = (endpoint: string, issuer = ISSUER) => `token_endpoint ${endpoint} is not on the origin of the issuer ${issuer} under its path, so the client secret was not sent to it`;

describe('foreignTokenEndpoint', () => {
  it.each([
    ['a custom authorization server', ISSUER, `${ISSUER}/v1/token`],
    ['an issuer written with a trailing slash', `${ISSUER}/`, `${ISSUER}/v1/token`],
    ['the org authorization server, whose issuer is the org', 'https://dev-1.okta.com', 'https://dev-1.okta.com/oauth2/v1/token'],
    ['a default port written out', ISSUER, 'https://dev-1.okta.com:443/oauth2/aus1/v1/token'],
  ])('accepts the token endpoint of %s', (_what, issuer, endpoint) => {
    expect(foreignTokenEndpoint(issuer, endpoint)).toBeUndefined();
  });

  it.each([
    ['another host', 'https://attacker.example/oauth2/aus1/v1/token'],
    ['a host that only starts like the issuer', 'https://dev-1.okta.com.attacker.example/oauth2/aus1/v1/token'],
    ['another port', 'https://dev-1.okta.com:8443/oauth2/aus1/v1/token'],
    ['another scheme', 'http://dev-1.okta.com/oauth2/aus1/v1/token'],
    ['another authorization server of the org', 'https://dev-1.okta.com/oauth2/aus2/v1/token'],
    ['a path that only starts like the issuer', 'https://dev-1.okta.com/oauth2/aus10/v1/token'],
    ['the issuer itself', ISSUER],
    ['a path leaving the issuer with ..', `${ISSUER}/../aus2/v1/token`],
    ['no URL at all', '/v1/token'],
  ])('refuses %s, naming both URLs', (_what, endpoint) => {
    expect(foreignTokenEndpoint(ISSUER, endpoint)).toBe(refusal(endpoint));
  });

  it('refuses URLs without a host, whose origins are both "null"', () => {
    expect(foreignTokenEndpoint('data:,issuer', 'data:,issuer/v1/token')).toBe(refusal('data:,issuer/v1/token', 'data:,issuer'));
  });
});
