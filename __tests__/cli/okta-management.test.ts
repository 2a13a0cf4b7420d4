import { oktaCredentials } from '../../cli/okta-management';
import { Redactor } from '../../cli/redactor';

// Where the Okta management commands get their credentials: the Okta provider's variables.

const PEM = '-----BEGIN PRIVATE KEY-----\nSENTINEL\n-----END PRIVATE KEY-----';

describe('oktaCredentials', () => {
  it('builds the org URL from OKTA_ORG_NAME and OKTA_BASE_URL, with an API token', () => {
    expect(oktaCredentials({ OKTA_ORG_NAME: 'dev-123456', OKTA_BASE_URL: 'oktapreview.com', OKTA_API_TOKEN: 'SENTINEL-tok' }, new Redactor(), 10_000)).toEqual({
      orgUrl: 'https://dev-123456.oktapreview.com',
      timeoutMs: 10_000,
      auth: { mode: 'SSWS', token: 'SENTINEL-tok' },
    });
  });

  it("defaults OKTA_BASE_URL to okta.com, the provider's default", () => {
    expect(oktaCredentials({ OKTA_ORG_NAME: 'dev-123456', OKTA_API_TOKEN: 'SENTINEL-tok' }, new Redactor(), 10_000).orgUrl).toBe('https://dev-123456.okta.com');
  });

  it('prefers OKTA_ORG_URL', () => {
    expect(oktaCredentials({ OKTA_ORG_URL: 'https://login.example.com/', OKTA_ORG_NAME: 'dev-1', OKTA_API_TOKEN: 'SENTINEL-tok' }, new Redactor(), 10_000).orgUrl).toBe('https://login.example.com');
  });

  it('refuses OKTA_ORG_URL over plain http to a host that is not loopback', () => {
    expect(() => oktaCredentials({ OKTA_ORG_URL: 'http://dev-1.okta.com', OKTA_API_TOKEN: 'SENTINEL-tok' }, new Redactor(), 10_000)).toThrow(
      'refused to send a request to OKTA_ORG_URL http://dev-1.okta.com over plain http: only https, or http to a loopback address (127.0.0.0/8, ::1, localhost), is allowed',
    );
  });

  it('accepts OKTA_ORG_URL over plain http to loopback', () => {
    expect(oktaCredentials({ OKTA_ORG_URL: 'http://127.0.0.1:8080', OKTA_API_TOKEN: 'SENTINEL-tok' }, new Redactor(), 10_000).orgUrl).toBe('http://127.0.0.1:8080');
  });

  it('refuses an OKTA_ORG_URL with a path', () => {
    expect(() => oktaCredentials({ OKTA_ORG_URL: 'https://dev-1.okta.com/oauth2/default', OKTA_API_TOKEN: 'SENTINEL-tok' }, new Redactor(), 10_000)).toThrow(
      `OKTA_ORG_URL is "https://dev-1.okta.com/oauth2/default", but must be the org's URL alone, such as https://dev-123456.okta.com`,
    );
  });

  it('refuses an API token shorter than 8 characters, naming its length only', () => {
    expect(() => oktaCredentials({ OKTA_ORG_NAME: 'dev-1', OKTA_API_TOKEN: 'SENTINE' }, new Redactor(), 10_000)).toThrow(
      'OKTA_API_TOKEN is 7 characters long (value not shown), but must be at least 8, as every credential this tool takes: set it to an Okta API token',
    );
  });

  it('refuses an environment without an org', () => {
    expect(() => oktaCredentials({ OKTA_API_TOKEN: 'SENTINEL-tok' }, new Redactor(), 10_000)).toThrow(
      'no Okta org: set OKTA_ORG_NAME (and OKTA_BASE_URL, default okta.com), or OKTA_ORG_URL',
    );
  });

  it('reads OAuth 2.0 for Okta: a PEM key, its ID, and the comma-separated scopes', () => {
    const env = {
      OKTA_ORG_NAME: 'dev-1',
      OKTA_API_CLIENT_ID: '0oaService0000000001',
      OKTA_API_PRIVATE_KEY: PEM,
      OKTA_API_PRIVATE_KEY_ID: 'kid-1',
      OKTA_API_SCOPES: 'okta.apps.manage, okta.authorizationServers.read',
    };
    expect(oktaCredentials(env, new Redactor(), 10_000).auth).toEqual({
      mode: 'PrivateKey',
      clientId: '0oaService0000000001',
      privateKey: PEM,
      keyId: 'kid-1',
      scopes: ['okta.apps.manage', 'okta.authorizationServers.read'],
    });
  });

  it('refuses OAuth 2.0 for Okta without scopes', () => {
    expect(() => oktaCredentials({ OKTA_ORG_NAME: 'dev-1', OKTA_API_CLIENT_ID: 'c', OKTA_API_PRIVATE_KEY: PEM }, new Redactor(), 10_000)).toThrow(
      'OKTA_API_SCOPES is empty, but OAuth 2.0 for Okta needs the management scopes, comma-separated (for example okta.apps.manage,okta.authorizationServers.read)',
    );
  });

  it('registers the token and the private key with the redactor before anything can print them', () => {
    const redactor = new Redactor();
    oktaCredentials({ OKTA_ORG_NAME: 'dev-1', OKTA_API_TOKEN: 'SENTINEL-token', OKTA_API_PRIVATE_KEY: PEM }, redactor, 10_000);
    expect(redactor.redact(`SENTINEL-token ${PEM}`)).toBe('[redacted] [redacted]');
  });
});
