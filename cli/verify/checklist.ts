export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  /** Stable identifier, for scripts reading the JSON report. */
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  /** What was seen: a value, an answer, a reason. */
  readonly detail?: string;
  /** Where to look in the stack's configuration when the check fails. */
  readonly hint?: string;
}

/** The manual token check of the Okta guide, one item per thing that can go wrong, in order. */
export const CHECKS = {
  metadataFetch: 'Metadata URI (Well-known URL) answers with JSON',
  metadataIssuer: "Metadata issuer equals the stack's issuer",
  metadataTokenEndpoint: "Metadata token_endpoint equals the stack's token_endpoint",
  tokenEndpointOfIssuer: "Token endpoint is the issuer's own (same origin, under the issuer's path)",
  metadataJwksUri: 'Metadata names a jwks_uri',
  tokenRequest: 'Token endpoint issues an access token (client_credentials, client_secret_basic)',
  tokenSignature: "Token signature verifies against the server's published keys (jwks_uri)",
  tokenIssuer: "Token iss equals the stack's issuer",
  tokenAudience: "Token aud equals the stack's audience",
  tokenExpiry: 'Token exp is in the future',
  tokenScopes: 'Token grants every configured scope',
  tokenClient: "Token names the stack's client ID (cid or client_id)",
  tokenSubject: "Token sub equals the stack's client ID (the AWS trust's :sub condition)",
} as const;

export type CheckId = keyof typeof CHECKS;

/**
 * The extra check of an environment with clientSecret "rotated": Terraform keeps no secret there, so
 * verify reads the app's newest ACTIVE secret through Okta's management API. Planned before the token request.
 */
export const CLIENT_SECRET_CHECK = {
  id: 'clientSecretRead',
  title: "Client secret read through Okta's management API (the app's newest ACTIVE secret)",
} as const;

/** Collects results in order; checks that could not run after a failure are reported as skipped. */
export class Checklist {
  private readonly results = new Map<string, CheckResult>();

  public constructor(private readonly planned: ReadonlyArray<{ readonly id: string; readonly title: string }>) {}

  public record(result: CheckResult): void {
    this.results.set(result.id, result);
  }

  public pass(id: CheckId, detail?: string): void {
    this.record({ id, title: CHECKS[id], status: 'pass', ...(detail === undefined ? {} : { detail }) });
  }

  public fail(id: CheckId, detail: string, hint?: string): void {
    this.record({ id, title: CHECKS[id], status: 'fail', detail, ...(hint === undefined ? {} : { hint }) });
  }

  /** Records every planned check not recorded yet as skipped, for this reason. */
  public skipRest(detail: string): void {
    for (const { id, title } of this.planned) {
      if (!this.results.has(id)) this.record({ id, title, status: 'skip', detail });
    }
  }

  /** Every planned check, in plan order; the ones never recorded are skipped. */
  public all(): CheckResult[] {
    return this.planned.map(
      ({ id, title }) => this.results.get(id) ?? { id, title, status: 'skip', detail: 'not run: a check it depends on failed' },
    );
  }
}

/**
 * A check comparing what was seen with what the stack expects: the detail says what was seen, and
 * when the check fails, also what was expected.
 */
export function checkResult(id: CheckId, passed: boolean, seen: string, expected: string, hint?: string): CheckResult {
  return passed
    ? { id, title: CHECKS[id], status: 'pass', detail: seen }
    : { id, title: CHECKS[id], status: 'fail', detail: `${seen}, ${expected}`, ...(hint === undefined ? {} : { hint }) };
}
