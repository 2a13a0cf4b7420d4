import type { KeyInsightSetup } from '../stack-outputs';
import { checkResult, type CheckResult } from './checklist';

export type TokenClaims = Readonly<Record<string, unknown>>;

export type ExpectedToken = Pick<KeyInsightSetup, 'issuer' | 'audience' | 'clientId' | 'scopes'>;

/**
 * Claims left out of reports: `jti` names this one token, which is what revocation and replay
 * logs key on; nothing about the setup depends on it.
 */
const UNREPORTED_CLAIMS = new Set(['jti']);

/** Scopes granted: Okta's `scp` array, or RFC 9068's space-separated `scope` string. */
export function grantedScopes(claims: TokenClaims): string[] {
  if (Array.isArray(claims.scp)) return claims.scp.filter((scope): scope is string => typeof scope === 'string');
  if (typeof claims.scope === 'string') return claims.scope.split(' ').filter((scope) => scope !== '');
  return [];
}

/** The client the token was issued to: Okta's `cid`, or RFC 9068's `client_id`. */
export function tokenClientId(claims: TokenClaims): unknown {
  return claims.cid ?? claims.client_id;
}

/** Checks the claims of a token whose signature has been verified, one result per claim rule. */
export function checkTokenClaims(claims: TokenClaims, expected: ExpectedToken, nowSeconds: number): CheckResult[] {
  return [
    checkIssuer(claims, expected),
    checkAudience(claims, expected),
    checkExpiry(claims, nowSeconds),
    checkScopes(claims, expected),
    checkClient(claims, expected),
    checkSubject(claims, expected),
  ];
}

function checkIssuer(claims: TokenClaims, expected: ExpectedToken): CheckResult {
  return checkResult(
    'tokenIssuer',
    claims.iss === expected.issuer,
    `iss is ${show(claims.iss)}`,
    `the stack's issuer is ${show(expected.issuer)}`,
    "the authorization server's issuer differs from the stack's issuer output (Okta's issuer_mode changes iss): AWS STS matches iss against the OIDC provider URL",
  );
}

function checkAudience(claims: TokenClaims, expected: ExpectedToken): CheckResult {
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  return checkResult(
    'tokenAudience',
    audiences.includes(expected.audience),
    `aud is ${show(claims.aud)}`,
    `the stack's audience is ${show(expected.audience)}`,
    "the authorization server's audience differs from the stack's audience output (stacks[].okta.authorizationServer.audience): AWS STS accepts only audiences in the OIDC provider's client_id_list",
  );
}

function checkExpiry(claims: TokenClaims, nowSeconds: number): CheckResult {
  if (typeof claims.exp !== 'number') {
    return checkResult('tokenExpiry', false, `exp is ${show(claims.exp)}`, 'but must be a time in seconds');
  }
  const remaining = claims.exp - nowSeconds;
  return checkResult(
    'tokenExpiry',
    remaining > 0,
    remaining > 0 ? `expires ${isoTime(claims.exp)}, in ${remaining} s` : `expired ${isoTime(claims.exp)}, ${-remaining} s ago`,
    `this machine's clock reads ${isoTime(nowSeconds)}`,
    "a token expired on arrival means the server's clock and this machine's disagree, or the lifetime is too short: check both clocks and stacks[].okta.rule.accessTokenLifetimeMinutes",
  );
}

function checkScopes(claims: TokenClaims, expected: ExpectedToken): CheckResult {
  const granted = grantedScopes(claims);
  const missing = expected.scopes.filter((scope) => !granted.includes(scope));
  return checkResult(
    'tokenScopes',
    missing.length === 0,
    `granted: ${granted.join(' ') || 'none'}`,
    `not granted: ${missing.join(' ')}`,
    'the access policy rule grants fewer scopes than the stack asks for: check stacks[].okta.scopes and stacks[].okta.rule',
  );
}

/** The client claim (Okta's `cid`, RFC 9068's `client_id`) must be the stack's client ID. */
function checkClient(claims: TokenClaims, expected: ExpectedToken): CheckResult {
  const client = tokenClientId(claims);
  return checkResult(
    'tokenClient',
    client === expected.clientId,
    `cid/client_id is ${show(client)}`,
    `the stack's client ID is ${show(expected.clientId)}`,
    "the token was issued to another client than the stack's app: check the client_id output",
  );
}

/**
 * `sub` must be the client ID: the role's trust policy requires `<issuer host/path>:sub` = the
 * client ID, so AWS STS refuses a token without that `sub`, whatever its other claims.
 */
function checkSubject(claims: TokenClaims, expected: ExpectedToken): CheckResult {
  return checkResult(
    'tokenSubject',
    claims.sub === expected.clientId,
    `sub is ${show(claims.sub)}`,
    `the stack's client ID is ${show(expected.clientId)}`,
    `AWS STS would refuse this token: the role's trust policy requires the condition ${trustConditionKey(expected.issuer)}:sub = ${show(expected.clientId)}`,
  );
}

/** The prefix of the trust policy's condition keys: the issuer without its scheme. */
function trustConditionKey(issuer: string): string {
  return issuer.replace(/^https?:\/\//, '');
}

export interface TokenSummary {
  readonly algorithm: unknown;
  readonly keyId: unknown;
  /** @default - absent when iat or exp is missing */
  readonly lifetimeSeconds?: number;
  readonly issuedAt?: string;
  readonly expiresAt?: string;
  /** Every claim except UNREPORTED_CLAIMS. */
  readonly claims: TokenClaims;
}

/** What may be shown about a token: its header's algorithm and key, lifetime, and claims. */
export function summarizeToken(header: TokenClaims, claims: TokenClaims): TokenSummary {
  const { iat, exp } = claims;
  return {
    algorithm: header.alg,
    keyId: header.kid,
    ...(typeof iat === 'number' && typeof exp === 'number' ? { lifetimeSeconds: exp - iat } : {}),
    ...(typeof iat === 'number' ? { issuedAt: isoTime(iat) } : {}),
    ...(typeof exp === 'number' ? { expiresAt: isoTime(exp) } : {}),
    claims: Object.fromEntries(Object.entries(claims).filter(([name]) => !UNREPORTED_CLAIMS.has(name))),
  };
}

function isoTime(epochSeconds: number): string {
  const time = new Date(epochSeconds * 1000);
  return Number.isNaN(time.getTime()) ? `${epochSeconds} (not a valid time)` : time.toISOString();
}

function show(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}
