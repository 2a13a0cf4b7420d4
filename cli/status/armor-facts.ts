/**
 * Fortanix Armor facts, from Fortanix's OpenAPI document of the Armor API ("Armor API" 0.1.0, a copy in
 * __tests__/fixtures/fortanix-armor/) and its support page "Programmatic access to Fortanix Armor IAM".
 * Kept free of imports, so that the help texts can name them without loading the client.
 */

/** Fortanix's global host (the OpenAPI document's server); North America: https://api.na.armor.fortanix.com. */
export const ARMOR_DEFAULT_URL = 'https://api.armor.fortanix.com';

/** The environment variables `status` reads Armor's address and credentials from. */
export const ARMOR_ENV = {
  appId: 'FORTANIX_ARMOR_APP_ID',
  apiKey: 'FORTANIX_ARMOR_API_KEY',
  url: 'FORTANIX_ARMOR_URL',
} as const;

/** Operation paths of the OpenAPI document (OauthToken, GetAllConnections, GetAllScans, GetScannedAwsAccounts). */
export const ARMOR_PATHS = {
  token: '/api/v1/iam/session/oauth2/token',
  connections: '/api/v1/discovery/connections',
  scans: '/api/v1/discovery/scans',
  scannedAwsAccounts: (scanId: string) => `/api/v1/discovery/scans/${encodeURIComponent(scanId)}/accounts/aws`,
} as const;
