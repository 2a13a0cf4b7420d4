/**
 * Okta facts the stack depends on, each with where it comes from.
 */

/** Rule `access_token_lifetime_minutes` limits (Okta: Authorization Servers, Access Policy rules). */
export const OKTA_ACCESS_TOKEN_LIFETIME_MINUTES = { min: 5, max: 1440 } as const;

/** OpenID Connect scopes Okta defines itself; custom scopes cannot take these names (Okta: Scopes). */
export const OKTA_RESERVED_SCOPES: readonly string[] = [
  'openid',
  'profile',
  'email',
  'address',
  'phone',
  'offline_access',
  'device_sso',
];

/** Custom authorization server endpoints, relative to the issuer (Okta: OpenID Connect & OAuth 2.0 API). */
export const OKTA_METADATA_PATH = '/.well-known/oauth-authorization-server';
export const OKTA_TOKEN_PATH = '/v1/token';

/** Okta's value for an access policy that covers every client of the authorization server. */
export const ALL_CLIENTS = 'ALL_CLIENTS';

/** The client-credentials grant: the only grant the app and the rule allow. */
export const CLIENT_CREDENTIALS = 'client_credentials';
