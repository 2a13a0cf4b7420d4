import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { AppOauth } from '@cdktf/provider-okta/lib/app-oauth';
import { AuthServer } from '@cdktf/provider-okta/lib/auth-server';
import { AuthServerPolicy } from '@cdktf/provider-okta/lib/auth-server-policy';
import { AuthServerPolicyRule } from '@cdktf/provider-okta/lib/auth-server-policy-rule';
import { AuthServerScope } from '@cdktf/provider-okta/lib/auth-server-scope';
import { ALL_CLIENTS, CLIENT_CREDENTIALS, OKTA_METADATA_PATH, OKTA_TOKEN_PATH } from './okta-facts';

export interface OktaScopeProps {
  readonly name: string;
  readonly description: string;
  /** Whether tokens get this scope when a request names none. */
  readonly isDefault: boolean;
}

export type AccessPolicyAssignment = 'this-app' | 'all-clients';

export interface OktaClientCredentialsProps {
  /** Label of the API Services app. */
  readonly appLabel: string;
  readonly authorizationServerName: string;
  readonly authorizationServerDescription: string;
  /** The one audience (`aud`) of the server's access tokens. */
  readonly audience: string;
  /** Custom scopes; the rule allows exactly these. At least one. */
  readonly scopes: readonly OktaScopeProps[];
  readonly accessPolicyName: string;
  readonly accessPolicyDescription: string;
  /**
   * Which clients the access policy covers.
   * @default 'this-app' - only the app created here; 'all-clients' covers every client of the server
   */
  readonly assignTo?: AccessPolicyAssignment;
  readonly ruleName: string;
  /** Okta allows 5 to 1440. */
  readonly accessTokenLifetimeMinutes: number;
}

/**
 * The construct ID of the scope named `scopeName`, so that adding, removing or reordering scopes
 * leaves every other scope's Terraform address as it was. Addresses of this project hold letters, digits
 * and `_` only, so each other character a scope name may hold (`.`, `:`, `/`, `-` and `_` itself) becomes
 * `_` and its two hex digits: distinct names give distinct IDs, and distinct addresses.
 */
export function scopeConstructId(scopeName: string): string {
  return `Scope_${scopeName.replace(/[^A-Za-z0-9]/g, (char) => `_${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}`;
}

/**
 * The logical ID cdktf 0.21 gave the scope at `index` of a construct `constructId` in a stack, when
 * scopes were keyed by position (construct ID `Scope<index>`): the path's IDs joined by `_`, then the
 * first 8 hex digits of the MD5 of the path. Environments deployed then hold their scopes there.
 */
function positionalScopeLogicalId(constructId: string, index: number): string {
  const hash = createHash('md5').update(`${constructId}/Scope${index}`).digest('hex').slice(0, 8).toUpperCase();
  return `${constructId}_Scope${index}_${hash}`;
}

/**
 * The Okta half of the guide: an API Services app that authenticates with client_secret_basic, a
 * custom authorization server with its scopes, and an access policy with a client-credentials rule.
 * Scopes are keyed by name; `moved` blocks carry the scopes of a state written when they were keyed by
 * position (the i-th scope configured then is the i-th configured now) to their names. Put it directly
 * in a stack: the old addresses it moves from are those of a construct at the stack's top level.
 */
export class OktaClientCredentials extends Construct {
  public readonly app: AppOauth;
  public readonly authorizationServer: AuthServer;
  public readonly scopes: AuthServerScope[];
  public readonly accessPolicy: AuthServerPolicy;
  public readonly rule: AuthServerPolicyRule;
  public readonly audience: string;
  // Each read of a resource attribute makes a new token; environments with many accounts read these
  // once per account, so they are made once here.
  public readonly clientId: string;
  /** `https://{org}.okta.com/oauth2/{authorizationServerId}`, known after apply. */
  public readonly issuer: string;

  constructor(scope: Construct, id: string, props: OktaClientCredentialsProps) {
    super(scope, id);
    if (props.scopes.length === 0) {
      throw new Error('scopes is empty, but the access rule needs at least one scope to allow');
    }
    this.audience = props.audience;

    this.app = new AppOauth(this, 'App', {
      label: props.appLabel,
      type: 'service',
      grantTypes: [CLIENT_CREDENTIALS],
      responseTypes: ['token'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      // No state holds the secret, and updates never send a stale one back to Okta; the okta_app_oauth
      // data source reads it (see key-insight-stack.ts).
      omitSecret: true,
    });
    // okta/okta attaches a sign-on policy to the app on update, which fails for API Services apps in
    // many orgs (provider issues 2295, 2370); 6.9.0 added this switch. The 14.1.1 bindings predate it.
    this.app.addOverride('skip_authentication_policy', true);

    this.clientId = this.app.clientId;

    this.authorizationServer = new AuthServer(this, 'AuthorizationServer', {
      name: props.authorizationServerName,
      description: props.authorizationServerDescription,
      audiences: [props.audience],
      issuerMode: 'ORG_URL',
    });
    this.issuer = this.authorizationServer.issuer;

    this.scopes = props.scopes.map((scopeProps, index) => {
      const created = new AuthServerScope(this, scopeConstructId(scopeProps.name), {
        authServerId: this.authorizationServer.id,
        name: scopeProps.name,
        description: scopeProps.description,
        default: scopeProps.isDefault,
        // Client credentials cannot answer a consent prompt.
        consent: 'IMPLICIT',
      });
      created.moveFromId(`${AuthServerScope.tfResourceType}.${positionalScopeLogicalId(id, index)}`);
      return created;
    });

    this.accessPolicy = new AuthServerPolicy(this, 'AccessPolicy', {
      authServerId: this.authorizationServer.id,
      name: props.accessPolicyName,
      description: props.accessPolicyDescription,
      priority: 1,
      clientWhitelist: (props.assignTo ?? 'this-app') === 'all-clients' ? [ALL_CLIENTS] : [this.clientId],
    });

    this.rule = new AuthServerPolicyRule(this, 'Rule', {
      authServerId: this.authorizationServer.id,
      policyId: this.accessPolicy.id,
      name: props.ruleName,
      // Okta renumbers priorities from 1; any other value leaves a permanent diff.
      priority: 1,
      grantTypeWhitelist: [CLIENT_CREDENTIALS],
      // The scopes' own attributes, so the rule is written after the scopes exist.
      scopeWhitelist: this.scopes.map((created) => created.name),
      accessTokenLifetimeMinutes: props.accessTokenLifetimeMinutes,
    });
  }

  /** Key Insight's "Well-known URL". */
  public get metadataUri(): string {
    return `${this.issuer}${OKTA_METADATA_PATH}`;
  }

  public get tokenEndpoint(): string {
    return `${this.issuer}${OKTA_TOKEN_PATH}`;
  }

  public get scopeNames(): string[] {
    return this.scopes.map((created) => created.name);
  }
}
