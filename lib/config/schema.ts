/**
 * The configuration file's schema: the one place that says what a valid configuration is.
 * The JSON Schema that editors read (`key-insight.config.schema.json`) is generated from it,
 * and every message a bad configuration gets is built from the `allowed` texts written here.
 */
import { z } from 'zod';
import { CLIENT_SECRET_MODES } from '../client-secret-mode';
import { OKTA_ID_PATTERNS } from '../import-ids';
import { OKTA_ACCESS_TOKEN_LIFETIME_MINUTES, OKTA_RESERVED_SCOPES } from '../okta-facts';
import { isAwsRegion } from '../aws-regions';
import { INVISIBLE_CHARACTER } from '../invisible-characters';
import { IAM_ROLE_SESSION_SECONDS, SCANNED_SERVICES } from '../scanning-policy';
import { ENVIRONMENT_NAME, accountStackName, defaultRoleName, scanningPolicyName, secretStackName } from '../stack-names';
import { accountOfArn, ARN_PATTERNS, partitionMismatch, policyNameOfArn } from './arn';

const BIDIRECTIONAL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** A character as U+XXXX. */
function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first invisible character of a text, named as U+XXXX with what it is; undefined when there is none. */
export function invisibleCharacter(value: string): string | undefined {
  const char = INVISIBLE_CHARACTER.exec(value)?.[0];
  if (char === undefined) return undefined;
  const code = codePoint(char);
  const kind = BIDIRECTIONAL.test(char)
    ? 'a bidirectional formatting character'
    : /\p{Cc}/u.test(char)
      ? 'a control character'
      : 'an invisible format character';
  return `${code}, ${kind}`;
}

/**
 * Refuses a character beyond ASCII, which a URI cannot hold (RFC 3986): a letter that looks like an ASCII one
 * (Cyrillic а, Greek ο) would make a value that differs from the one it seems to be. The message names it.
 */
function ascii<T extends z.ZodString>(schema: T): T {
  return schema.superRefine((value, ctx) => {
    const char = /[^\x00-\x7f]/u.exec(value)?.[0];
    // An invisible character already has its own message.
    if (char === undefined || invisibleCharacter(value) !== undefined) return;
    ctx.addIssue({ code: 'custom', message: `ASCII only, as RFC 3986 requires of a URI (it holds ${codePoint(char)})` });
  }) as unknown as T;
}

/** Refuses, in any string of the configuration, a character a reader cannot see; the message names it. */
function visible<T extends z.ZodString>(schema: T): T {
  return schema.superRefine((value, ctx) => {
    const found = invisibleCharacter(value);
    if (found !== undefined) ctx.addIssue({ code: 'custom', message: `free of invisible characters (it holds ${found})` });
  }) as unknown as T;
}
// Terraform evaluates ${...} and %{...} inside any string: a value holding them would not be literal.
const NO_TEMPLATE = /^(?![\s\S]*[$%]\{)/;
const NO_TEMPLATE_ALLOWED = 'without ${ or %{ (Terraform would evaluate them)';

function text(allowedMax: number, what = 'text') {
  const allowed = `${what} of 1 to ${allowedMax} printable characters, ${NO_TEMPLATE_ALLOWED}`;
  return visible(
    z
      .string({ error: allowed })
      .min(1, { error: allowed })
      .max(allowedMax, { error: allowed })
      .regex(NO_TEMPLATE, { error: allowed }),
  );
}

function pattern(regex: RegExp, allowed: string, maxLength = 255) {
  return visible(z.string({ error: allowed }).max(maxLength, { error: allowed }).regex(regex, { error: allowed }));
}

function integer(range: { min: number; max: number }, unit: string) {
  const allowed = `an integer from ${range.min} to ${range.max} (${unit})`;
  return z.int({ error: allowed }).min(range.min, { error: allowed }).max(range.max, { error: allowed });
}

// The review checks that an acknowledged ID is one it lets a configuration accept: the configuration does not know the rules.
const REVIEW_ID = /^KI-[A-Z0-9-]+$/;
const STACK_NAME = ENVIRONMENT_NAME;
const ACCOUNT_ID = /^\d{12}$/;
const S3_BUCKET = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const S3_KEY_PREFIX = /^[A-Za-z0-9!_.*'()/-]{1,512}$/;
const DYNAMODB_TABLE = /^[A-Za-z0-9_.-]{3,255}$/;
const TFC_ORGANIZATION = /^[A-Za-z0-9_-]{1,90}$/;
const TFC_NAME_PREFIX = /^[A-Za-z0-9_-]{0,40}$/;
const TFC_PROJECT = /^[A-Za-z0-9 _-]{1,40}$/;
const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+(:\d{1,5})?$/;
// An audience is a URI (api://..., https://...), printable ASCII (RFC 3986): AWS also requires it to fit an OIDC
// client ID (255).
const AUDIENCE = /^[A-Za-z][A-Za-z0-9+.-]*:(?![\s\S]*[$%]\{)[!#-\[\]-~]+$/;
const SCOPE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
// A customer managed policy's name, after its path when it has one (IAM: CreatePolicy's PolicyName and Path).
const IAM_POLICY_NAME = /^([\w+=,.@-]+\/){0,20}[\w+=,.@-]{1,128}$/;
const IAM_POLICY_NAME_ALLOWED =
  'an IAM policy name of 1 to 128 letters, digits and + = , . @ _ -, after its path when it has one (path/name), such as boundary';
const THUMBPRINT = /^[0-9a-fA-F]{40}$/;
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
// AWS Organizations' patterns for an organizational unit ID and a root ID (API reference: OrganizationalUnit, Root).
const ORGANIZATIONAL_UNIT_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;

const scopeSchema = z
  .strictObject({
    name: pattern(
      SCOPE_NAME,
      'a scope name of 1 to 255 letters, digits and . _ : / - (no spaces), starting with a letter or digit',
    )
      .refine((name) => !OKTA_RESERVED_SCOPES.includes(name) && !name.startsWith('okta.'), {
        error: `a custom scope name, not one Okta reserves (${OKTA_RESERVED_SCOPES.join(', ')}, okta.*)`,
      })
      .describe('Scope name, sent in token requests and listed in Key Insight.'),
    description: text(1000)
      .default('Read-only scanning of keys and certificates by Fortanix Key Insight')
      .describe('Shown on the scope in Okta.'),
    default: z
      .boolean({ error: 'true or false' })
      .optional()
      .describe('Whether the scope is a default scope. Default: true for the first scope when no scope says.'),
  })
  .describe('A custom scope on the authorization server.');

export const ASSIGN_TO = ['this-app', 'all-clients'] as const;

const oktaSchema = z.strictObject({
  app: z
    .strictObject({
      label: text(100).default('Fortanix Key Insight').describe('Name of the API Services app in Okta.'),
      clientSecret: z
        .enum(CLIENT_SECRET_MODES, { error: `one of ${CLIENT_SECRET_MODES.map((v) => `"${v}"`).join(', ')}` })
        .default('terraform')
        .describe(
          '"terraform": the client_secret output reads the secret from Okta (a data source), so the state of the stack that holds it keeps a copy. ' +
            '"rotated": Terraform keeps no copy; `npx key-insight rotate-secret start` hands out new secrets. The app is never recreated by switching.',
        ),
    })
    .prefault({})
    .describe('The API Services app integration Key Insight authenticates as.'),
  authorizationServer: z
    .strictObject({
      name: text(255).default('Fortanix Key Insight').describe('Name of the custom authorization server.'),
      audience: ascii(
        pattern(AUDIENCE, 'a URI with a scheme (for example api://fortanix-key-insight), 1 to 255 characters, no spaces, quotes, ${ or %{'),
      ).describe('The one audience (aud) of the access tokens; AWS IAM trusts exactly this value.'),
      description: text(1000)
        .default('Issues client-credentials tokens for Fortanix Key Insight')
        .describe('Shown on the authorization server in Okta.'),
    })
    .describe('The custom authorization server that issues Key Insight its tokens.'),
  scopes: z
    .array(scopeSchema, { error: 'a list of 1 to 20 scopes' })
    .min(1, { error: 'a list of 1 to 20 scopes' })
    .max(20, { error: 'a list of 1 to 20 scopes' })
    .describe('Custom scopes; the access rule allows exactly these.'),
  accessPolicy: z
    .strictObject({
      name: text(255).default('Fortanix Key Insight').describe('Name of the access policy.'),
      description: text(1000)
        .default('Lets the Fortanix Key Insight app use the client-credentials grant')
        .describe('Shown on the access policy in Okta.'),
      assignTo: z
        .enum(ASSIGN_TO, { error: `one of ${ASSIGN_TO.map((v) => `"${v}"`).join(', ')}` })
        .default('this-app')
        .describe(
          '"this-app": the policy covers only the app this stack creates (least privilege). ' +
            '"all-clients": every client of the authorization server, as the manual guide does.',
        ),
    })
    .prefault({})
    .describe('The access policy on the authorization server.'),
  rule: z
    .strictObject({
      name: text(255).default('Client credentials').describe('Name of the access-policy rule.'),
      accessTokenLifetimeMinutes: integer(OKTA_ACCESS_TOKEN_LIFETIME_MINUTES, 'minutes')
        .default(60)
        .describe('How long an access token lives.'),
    })
    .prefault({})
    .describe('The policy rule that allows the client-credentials grant for the scopes.'),
});

const REGION_ALLOWED = "an AWS region such as us-east-1 or eu-west-1 (one the AWS SDK's partition data lists)";

function region() {
  return z.string({ error: REGION_ALLOWED }).refine(isAwsRegion, { error: REGION_ALLOWED });
}

function oktaId(kind: keyof typeof OKTA_ID_PATTERNS, example: string, what: string) {
  return pattern(OKTA_ID_PATTERNS[kind], `an Okta ${what} ID: 20 letters and digits starting with ${example.slice(0, 3)}, such as ${example}`, 20);
}

const oktaAdoptSchema = z
  .strictObject({
    appId: oktaId('app', '0oa1a2b3c4d5e6f7g8h9', 'app (client)').optional().describe('The API Services app (its client ID).'),
    authorizationServerId: oktaId('authorizationServer', 'aus1a2b3c4d5e6f7g8h9', 'authorization server')
      .optional()
      .describe('The custom authorization server.'),
    scopeIds: z
      .record(z.string(), oktaId('scope', 'scp1a2b3c4d5e6f7g8h9', 'scope'), { error: 'an object of scope names to scope IDs' })
      .optional()
      .describe('Scope IDs by scope name; each name must be one of stacks[].okta.scopes.'),
    accessPolicyId: oktaId('accessPolicy', '00p1a2b3c4d5e6f7g8h9', 'access policy').optional().describe('The access policy.'),
    ruleId: oktaId('rule', '0pr1a2b3c4d5e6f7g8h9', 'access policy rule').optional().describe("The access policy's rule."),
  })
  .describe('Okta objects made by hand to import instead of creating: print them with `npx key-insight discover`.');

const awsAdoptSchema = z
  .strictObject({
    oidcProviderArn: pattern(
      ARN_PATTERNS.oidcProvider,
      'an IAM OIDC provider ARN such as arn:aws:iam::123456789012:oidc-provider/example.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9',
      600,
    )
      .optional()
      .describe('The IAM OIDC identity provider.'),
    roleName: pattern(IAM_ROLE_NAME, 'an IAM role name: 1 to 64 letters, digits and + = , . @ _ -', 64)
      .optional()
      .describe('The role Key Insight assumes; must be the configured role name (stacks[].aws.role.name).'),
    scanningPolicyArn: pattern(
      ARN_PATTERNS.customerPolicy,
      'an IAM customer managed policy ARN such as arn:aws:iam::123456789012:policy/ki-dev-scanner-scanning',
      600,
    )
      .optional()
      .describe('The scanning policy; its name must be "<role name>-scanning". With roleName, its attachment is imported too.'),
  })
  .describe('AWS resources made by hand to import instead of creating: print them with `npx key-insight discover`.');

const accountSchema = z
  .strictObject({
    accountId: pattern(ACCOUNT_ID, 'a 12-digit AWS account ID in a string, such as "123456789012"', 12).describe(
      'The account to create the OIDC provider and role in.',
    ),
    region: region()
      .optional()
      .describe("Region of this account's AWS provider. Default: stacks[].aws.region."),
    assumeRoleArn: pattern(ARN_PATTERNS.role, 'an IAM role ARN such as arn:aws:iam::123456789012:role/deploy', 600)
      .optional()
      .describe('Role the deployment assumes in this account. Default: none; the credentials in the environment are used.'),
    adopt: z
      .strictObject({ aws: awsAdoptSchema.optional() })
      .optional()
      .describe("This account's resources made by hand, to import. Default: none; everything is created."),
    retired: z
      .boolean({ error: 'true or false' })
      .optional()
      .describe(
        "Whether the account is leaving: its stack keeps its backend and provider but no resources, so the next deploy of that stack destroys the account's OIDC provider, role and policy. Remove the entry after that deploy. Default: false.",
      ),
  })
  .superRefine((account, ctx) => {
    if (account.assumeRoleArn !== undefined && accountOfArn(account.assumeRoleArn) !== account.accountId) {
      ctx.addIssue({
        code: 'custom',
        path: ['assumeRoleArn'],
        message: `a role in account ${account.accountId}, the accountId it deploys to`,
      });
    }
  })
  .describe('One AWS account Key Insight scans; it gets its own stack, "<stack name>-<accountId>".');

export const CALL_AS = ['SELF', 'DELEGATED_ADMIN'] as const;
const OU_IDS_ALLOWED = 'a list of 1 to 100 organizational unit IDs or root IDs';

const organizationSchema = z
  .strictObject({
    organizationalUnitIds: z
      .array(
        z
          .string({ error: 'an organizational unit ID (ou-xxxx-xxxxxxxx) or a root ID (r-xxxx), in lowercase' })
          .refine((id) => ORGANIZATIONAL_UNIT_ID.test(id) || ROOT_ID.test(id), {
            error: 'an organizational unit ID (ou-xxxx-xxxxxxxx) or a root ID (r-xxxx), in lowercase',
          }),
        { error: OU_IDS_ALLOWED },
      )
      .min(1, { error: OU_IDS_ALLOWED })
      .max(100, { error: OU_IDS_ALLOWED })
      .superRefine((ids, ctx) => {
        const seen = new Set<string>();
        ids.forEach((id, index) => {
          if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [index], message: 'an organizational unit ID listed once only' });
          seen.add(id);
        });
      })
      .describe('Where the StackSet deploys: every account of these organizational units (and of the units nested in them); a root ID means the whole organization.'),
    autoDeployment: z
      .boolean({ error: 'true or false' })
      .default(true)
      .describe('Deploy to accounts that join the units later, and remove the stack from accounts that leave. Default: true.'),
    callAs: z
      .enum(CALL_AS, { error: `one of ${CALL_AS.map((v) => `"${v}"`).join(', ')}` })
      .default('SELF')
      .describe('"SELF": the deployment runs in the management account. "DELEGATED_ADMIN": in a delegated administrator account for StackSets.'),
    maxConcurrentPercentage: integer({ min: 1, max: 100 }, 'percent')
      .default(25)
      .describe('Share of the accounts the StackSet deploys to at once. Default: 25.'),
    failureTolerancePercentage: integer({ min: 0, max: 100 }, 'percent')
      .default(10)
      .describe('Share of the accounts that may fail before the StackSet stops an operation. Default: 10.'),
    managementRole: z
      .boolean({ error: 'true or false' })
      .default(true)
      .describe(
        'Whether the deploying account (management or delegated administrator) gets an OIDC provider and a role Key Insight can assume, allowed to list the organization\'s accounts (Key Insight scope "organization"). ' +
          'false: that account gets only the StackSet, and Key Insight connects to each member account (scope "account"). Default: true.',
      ),
  })
  .describe(
    'Onboard every account of an AWS Organization through a service-managed CloudFormation StackSet, deployed from the account of the credentials (management or delegated administrator). Default: none.',
  );

const SERVICES_ALLOWED = `a list of at least one scanned service, each one of ${SCANNED_SERVICES.join(', ')}`;

const awsSchema = z.strictObject({
  region: region().describe('Region of the AWS provider (IAM itself is global).'),
  accounts: z
    .array(accountSchema, { error: 'a list of 1 to 1000 accounts' })
    .min(1, { error: 'a list of 1 to 1000 accounts' })
    .max(1000, { error: 'a list of 1 to 1000 accounts' })
    .optional()
    .superRefine((accounts, ctx) => {
      const seen = new Set<string>();
      (accounts ?? []).forEach((account, index) => {
        if (seen.has(account.accountId)) {
          ctx.addIssue({ code: 'custom', path: [index, 'accountId'], message: 'an account ID listed once only' });
        }
        seen.add(account.accountId);
      });
    })
    .describe(
      'AWS accounts to onboard, one stack each. Default: none; the stack itself holds the AWS resources, in the account of the credentials it runs with.',
    ),
  organization: organizationSchema.optional(),
  role: z
    .strictObject({
      name: pattern(IAM_ROLE_NAME, 'an IAM role name: 1 to 64 letters, digits and + = , . @ _ -', 64)
        .optional()
        .describe('Name of the role Key Insight assumes. Default: "<stack name>-scanner".'),
      maxSessionDurationSeconds: integer(IAM_ROLE_SESSION_SECONDS, 'seconds')
        .default(3600)
        .describe('Longest session Key Insight can request.'),
      permissionsBoundaryArn: pattern(
        ARN_PATTERNS.managedPolicy,
        'an IAM managed policy ARN such as arn:aws:iam::123456789012:policy/boundary',
        600,
      )
        .optional()
        .describe(
          'Permissions boundary for the role: an AWS managed policy, or a customer managed policy of the one account the role is made in. Default: none.',
        ),
      permissionsBoundaryName: pattern(IAM_POLICY_NAME, IAM_POLICY_NAME_ALLOWED, 640)
        .optional()
        .describe(
          "Permissions boundary for the role: a customer managed policy of this name (path/name when it has a path) that every account has; each account's role uses its own account's. Default: none.",
        ),
    })
    .prefault({})
    .describe('The IAM role Key Insight assumes with its Okta token.'),
  oidcProvider: z
    .strictObject({
      thumbprints: z
        .array(pattern(THUMBPRINT, 'a SHA-1 thumbprint: 40 hexadecimal digits', 40), {
          error: 'a list of 1 to 5 thumbprints',
        })
        .min(1, { error: 'a list of 1 to 5 thumbprints' })
        .max(5, { error: 'a list of 1 to 5 thumbprints' })
        .optional()
        .describe("Server-certificate thumbprints. Default: none; AWS trusts Okta's public CA itself."),
    })
    .prefault({})
    .describe('The IAM OIDC identity provider for the authorization server.'),
  scanning: z
    .strictObject({
      services: z
        .array(z.enum(SCANNED_SERVICES, { error: `one of ${SCANNED_SERVICES.join(', ')}` }), {
          error: SERVICES_ALLOWED,
        })
        .min(1, { error: `${SERVICES_ALLOWED} (with none, the role would scan nothing)` })
        .default([...SCANNED_SERVICES])
        .describe('Services Key Insight may read. Default: all of them.'),
      managedPolicyArns: z
        .array(
          pattern(ARN_PATTERNS.managedPolicy, 'an IAM managed policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess', 600),
          { error: 'a list of IAM managed policy ARNs' },
        )
        .max(10, { error: 'at most 10 managed policy ARNs (the IAM limit per role)' })
        .default([])
        .describe(
          'More managed policies to attach to the role: AWS managed policies, or customer managed policies of the one account the role is made in. Default: none.',
        ),
      managedPolicyNames: z
        .array(pattern(IAM_POLICY_NAME, IAM_POLICY_NAME_ALLOWED, 640), { error: 'a list of IAM policy names' })
        .max(10, { error: 'at most 10 managed policy names (the IAM limit per role)' })
        .default([])
        .describe(
          "More managed policies to attach to the role: customer managed policies of these names that every account has; each account's role uses its own account's. Default: none.",
        ),
    })
    .prefault({})
    .describe('What the role may read.'),
});

const backendSchema = z
  .discriminatedUnion(
    'type',
    [
      z
        .strictObject({ type: z.literal('local') })
        .describe('State in terraform.<stack>.tfstate at the project root.'),
      z
        .strictObject({
          type: z.literal('s3'),
          bucket: pattern(S3_BUCKET, 'an S3 bucket name: 3 to 63 lowercase letters, digits, . and -', 63).describe(
            'Bucket that holds the state.',
          ),
          keyPrefix: pattern(S3_KEY_PREFIX, 'an S3 key prefix of 1 to 512 characters without spaces', 512)
            .refine((prefix) => !prefix.startsWith('/') && !prefix.endsWith('/'), {
              error: 'an S3 key prefix that neither starts nor ends with /',
            })
            // S3 keeps "." and ".." in a key as they are, but an HTTP client may resolve them in a request's path
            // (RFC 3986 dot-segment removal): the state would be read and written beside another team's, not where
            // the prefix says. An empty segment (//) is a key no one means.
            .refine((prefix) => !prefix.includes('//') && !/(^|\/)\.\.?(\/|$)/.test(prefix), {
              error: 'a relative path whose segments are neither empty (//) nor . or ..',
            })
            .describe('Each stack\'s state is at <keyPrefix>/<stack>.tfstate.'),
          region: region().describe("The bucket's region."),
          kmsKeyId: pattern(ARN_PATTERNS.kmsKey, 'a KMS key ID, key ARN, alias/<name> or alias ARN', 600)
            .optional()
            .describe('KMS key that encrypts the state. Default: the bucket\'s default encryption (SSE-S3).'),
          dynamodbTable: pattern(DYNAMODB_TABLE, 'a DynamoDB table name of 3 to 255 letters, digits, _ . -', 255)
            .optional()
            .describe('Legacy lock table. Default: none; S3 native locking (use_lockfile) is always on.'),
        })
        .describe('State in S3, encrypted, locked with S3 native lock files.'),
      z
        .strictObject({
          type: z.literal('cloud'),
          organization: pattern(TFC_ORGANIZATION, 'an HCP Terraform organization name', 90).describe(
            'HCP Terraform or Terraform Enterprise organization.',
          ),
          workspacePrefix: pattern(TFC_NAME_PREFIX, 'up to 40 letters, digits, _ and -', 40)
            .default('')
            .describe('Each stack uses the workspace <workspacePrefix><stack>. Default: no prefix.'),
          project: pattern(TFC_PROJECT, 'a project name of 1 to 40 letters, digits, spaces, _ and -', 40)
            .optional()
            .describe("Project the workspaces belong to. Default: the organization's default project."),
          hostname: pattern(HOSTNAME, 'a host name such as app.terraform.io or tfe.example.com', 260)
            .default('app.terraform.io')
            .describe('Terraform Enterprise host. Default: app.terraform.io (HCP Terraform).'),
        })
        .describe('State and runs in HCP Terraform or Terraform Enterprise, one workspace per stack.'),
    ],
    { error: 'an object whose type is one of "local", "s3", "cloud"' },
  )
  .default({ type: 'local' })
  .describe('Where the state of this environment\'s stacks lives.');

const stackObject = z
  .strictObject({
    name: pattern(
      STACK_NAME,
      'a stack name of 1 to 50 ASCII letters, digits, _ and -, starting with a letter',
      50,
    )
      // The constructs library keeps an App's stacks in a plain object, where these names already exist.
      .refine((name) => !(name in Object.prototype), {
        error: `a stack name that is not one of ${Object.getOwnPropertyNames(Object.prototype).filter((key) => STACK_NAME.test(key)).sort().join(', ')} (names every JavaScript object has)`,
      })
      .describe('Name of the cdktf stack (and of its state).'),
    okta: oktaSchema,
    aws: awsSchema,
    backend: backendSchema,
    retired: z
      .boolean({ error: 'true or false' })
      .optional()
      .describe(
        "Whether the environment is leaving: its stacks keep their backend and providers but no resources, so the next deploy of each destroys the environment's Okta app, authorization server and AWS resources. Remove the environment after that deploy. Default: false.",
      ),
    adopt: z
      .strictObject({ okta: oktaAdoptSchema.optional(), aws: awsAdoptSchema.optional() })
      .optional()
      .describe('Resources made by hand (for example by following the manual guide), to import instead of creating. Default: none.'),
    acknowledge: z
      .array(
        z.strictObject({
          id: pattern(REVIEW_ID, 'a security-review warning ID such as KI-TOKEN-LIFETIME', 64).describe(
            'The warning (or acknowledgeable error) to accept; the review refuses other IDs.',
          ),
          reason: text(1000, 'a written reason')
            .refine((reason) => reason.trim().length >= 10, { error: 'a written reason of at least 10 characters' })
            .describe('Why this environment accepts it; kept in the configuration for reviewers.'),
        }),
        { error: 'a list of { id, reason } acknowledgements' },
      )
      .default([])
      .superRefine((acknowledgements, ctx) => {
        const seen = new Set<string>();
        acknowledgements.forEach((ack, index) => {
          if (seen.has(ack.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: 'a warning acknowledged once only' });
          seen.add(ack.id);
        });
      })
      .describe('Security-review warnings (and acknowledgeable errors) this environment accepts, each with the reason. Default: none.'),
    tags: z
      .record(
        pattern(TAG_KEY, 'a tag key of 1 to 128 letters, digits, spaces and _ . : / = + - @, not starting with aws:', 128),
        pattern(TAG_VALUE, 'a tag value of up to 256 letters, digits, spaces and _ . : / = + - @', 256),
        { error: 'an object of tag keys to string values' },
      )
      .refine((tags) => Object.keys(tags).length <= 50, { error: 'at most 50 tags' })
      .default({})
      .describe('Tags on every taggable AWS resource.'),
  });

const stackSchema = stackObject.superRefine((stack, ctx) => {
  if (stack.aws.accounts !== undefined && stack.aws.organization !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['aws', 'organization'],
      message: 'left out when stacks[].aws.accounts is set: an environment onboards listed accounts or an organization, not both',
    });
  }
  const seen = new Set<string>();
  stack.okta.scopes.forEach((scope, index) => {
    if (seen.has(scope.name)) {
      ctx.addIssue({ code: 'custom', path: ['okta', 'scopes', index, 'name'], message: 'a name no other scope has' });
    }
    seen.add(scope.name);
  });
  if (stack.aws.organization?.managementRole === false && stack.adopt?.aws !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['adopt', 'aws'],
      message: 'left out when stacks[].aws.organization.managementRole is false: the deploying account then holds no OIDC provider, role or policy to adopt',
    });
  }
  checkAdoption(stack, ctx);
  checkPolicies(stack, ctx);
  checkPartitions(stack, ctx);
});

type StackInput = z.output<typeof stackObject>;

/** The limit of managed policies attached to one role (IAM quotas: managed policies per role). */
const MANAGED_POLICIES_PER_ROLE = 10;

/**
 * The role's managed policies must exist in every account the role is made in: IAM attaches only
 * AWS managed policies and the role's own account's. A customer managed ARN is kept for an environment
 * whose role is made in that account alone; otherwise the policy is given by name.
 */
function checkPolicies(stack: StackInput, ctx: z.core.$RefinementCtx): void {
  const { role, scanning, accounts, organization } = stack.aws;
  if (role.permissionsBoundaryArn !== undefined && role.permissionsBoundaryName !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['aws', 'role', 'permissionsBoundaryName'],
      message: 'left out when stacks[].aws.role.permissionsBoundaryArn is set: a role has one permissions boundary',
    });
  }
  const count = scanning.managedPolicyArns.length + scanning.managedPolicyNames.length;
  if (count > MANAGED_POLICIES_PER_ROLE) {
    ctx.addIssue({
      code: 'custom',
      path: ['aws', 'scanning', 'managedPolicyNames'],
      message: `where managedPolicyArns and managedPolicyNames list ${count} policies together, but a role takes at most ${MANAGED_POLICIES_PER_ROLE} (the IAM limit per role)`,
      params: { sentence: true },
    });
  }
  // Where the role is made besides the account of the ARN: the organization's member accounts, or listed accounts.
  const otherAccounts = (arnAccount: string): string | undefined => {
    if (organization !== undefined) return "the organization's member accounts";
    const others = (accounts ?? []).map((account) => account.accountId).filter((id) => id !== arnAccount);
    if (others.length === 0) return undefined;
    return `account${others.length === 1 ? '' : 's'} ${others.slice(0, 3).join(', ')}${others.length > 3 ? ` and ${others.length - 3} more` : ''}`;
  };
  const refuse = (path: PropertyKey[], arn: string, nameField: string) => {
    const arnAccount = accountOfArn(arn);
    if (arnAccount === undefined) return;
    const others = otherAccounts(arnAccount);
    if (others === undefined) return;
    const name = arn.slice(arn.indexOf(':policy/') + ':policy/'.length);
    ctx.addIssue({
      code: 'custom',
      path,
      message:
        `a customer managed policy of account ${arnAccount}, which IAM cannot attach to the role in ${others}; ` +
        `create the policy under one name in every account and give that name in stacks[].aws.${nameField} ("${name}") instead, or use an AWS managed policy (arn:aws:iam::aws:policy/...)`,
      params: { sentence: true },
    });
  };
  if (role.permissionsBoundaryArn !== undefined) refuse(['aws', 'role', 'permissionsBoundaryArn'], role.permissionsBoundaryArn, 'role.permissionsBoundaryName');
  scanning.managedPolicyArns.forEach((arn, index) => refuse(['aws', 'scanning', 'managedPolicyArns', index], arn, 'scanning.managedPolicyNames'));
}

/**
 * Every ARN agrees with the partition of the region it is used in: an account's ARNs with the account's
 * region, the role's policies with the region of each account the role is made in, the KMS key with the
 * bucket's. Values of the wrong shape already have their message.
 */
function checkPartitions(stack: StackInput, ctx: z.core.$RefinementCtx): void {
  const { region, role, scanning, accounts } = stack.aws;
  const check = (path: PropertyKey[], arn: string | undefined, arnRegion: string, whose: string) => {
    const message = arn === undefined ? undefined : partitionMismatch(arn, arnRegion, whose);
    if (message !== undefined) ctx.addIssue({ code: 'custom', path, message });
  };
  const environmentRegion = "the environment's region";
  const accountRegions = (accounts ?? []).map((account) => ({
    accountId: account.accountId,
    region: account.region ?? region,
    whose: `account ${account.accountId}'s region`,
  }));
  // Where the role a policy is attached to is made: a customer managed policy's own account (checkPolicies
  // refuses it for the others), an AWS managed policy every account; one message, for the first that differs.
  const checkRolePolicy = (path: PropertyKey[], arn: string) => {
    const owner = accountOfArn(arn);
    const where = accounts === undefined ? [{ region, whose: environmentRegion }] : accountRegions.filter((account) => owner === undefined || account.accountId === owner);
    const message = where.map((place) => partitionMismatch(arn, place.region, place.whose)).find((found) => found !== undefined);
    if (message !== undefined) ctx.addIssue({ code: 'custom', path, message });
  };
  if (role.permissionsBoundaryArn !== undefined) checkRolePolicy(['aws', 'role', 'permissionsBoundaryArn'], role.permissionsBoundaryArn);
  scanning.managedPolicyArns.forEach((arn, index) => checkRolePolicy(['aws', 'scanning', 'managedPolicyArns', index], arn));
  check(['adopt', 'aws', 'oidcProviderArn'], stack.adopt?.aws?.oidcProviderArn, region, environmentRegion);
  check(['adopt', 'aws', 'scanningPolicyArn'], stack.adopt?.aws?.scanningPolicyArn, region, environmentRegion);
  (accounts ?? []).forEach((account, index) => {
    const accountRegion = account.region ?? region;
    const whose = `account ${account.accountId}'s region`;
    check(['aws', 'accounts', index, 'assumeRoleArn'], account.assumeRoleArn, accountRegion, whose);
    check(['aws', 'accounts', index, 'adopt', 'aws', 'oidcProviderArn'], account.adopt?.aws?.oidcProviderArn, accountRegion, whose);
    check(['aws', 'accounts', index, 'adopt', 'aws', 'scanningPolicyArn'], account.adopt?.aws?.scanningPolicyArn, accountRegion, whose);
  });
  if (stack.backend.type === 's3') check(['backend', 'kmsKeyId'], stack.backend.kmsKeyId, stack.backend.region, "the bucket's region");
}

/** What an import needs that a single field cannot say: the IDs an import ID is built from, and names that match. */
function checkAdoption(stack: StackInput, ctx: z.core.$RefinementCtx): void {
  const okta = stack.adopt?.okta;
  if (okta !== undefined) {
    const needsServer = (field: string) =>
      ctx.addIssue({ code: 'custom', path: ['adopt', 'okta', field], message: `given together with adopt.okta.authorizationServerId (Okta's import ID for it starts with the server's ID)` });
    if (okta.authorizationServerId === undefined) {
      if (okta.scopeIds !== undefined) needsServer('scopeIds');
      if (okta.accessPolicyId !== undefined) needsServer('accessPolicyId');
      if (okta.ruleId !== undefined) needsServer('ruleId');
    }
    if (okta.ruleId !== undefined && okta.accessPolicyId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['adopt', 'okta', 'ruleId'], message: "given together with adopt.okta.accessPolicyId (a rule's import ID names its policy)" });
    }
    const names = stack.okta.scopes.map((scope) => scope.name);
    for (const name of Object.keys(okta.scopeIds ?? {})) {
      if (!names.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['adopt', 'okta', 'scopeIds', name],
          message: `the ID of a scope listed in stacks[].okta.scopes (${names.join(', ')})`,
        });
      }
    }
  }
  const roleName = stack.aws.role.name ?? defaultRoleName(stack.name);
  if (stack.adopt?.aws !== undefined && stack.aws.accounts !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['adopt', 'aws'],
      message: 'left out: with aws.accounts, each account stack holds its own AWS resources; adopt them with stacks[].aws.accounts[].adopt.aws',
    });
  }
  checkAwsAdoption(stack.adopt?.aws, roleName, undefined, ['adopt', 'aws'], ctx);
  (stack.aws.accounts ?? []).forEach((account, index) => {
    checkAwsAdoption(account.adopt?.aws, roleName, account.accountId, ['aws', 'accounts', index, 'adopt', 'aws'], ctx);
  });
}

function checkAwsAdoption(
  aws: z.output<typeof awsAdoptSchema> | undefined,
  roleName: string,
  accountId: string | undefined,
  path: PropertyKey[],
  ctx: z.core.$RefinementCtx,
): void {
  if (aws === undefined) return;
  // The role's and the policy's names cannot change in place: a different name would delete what was adopted.
  // Values of the wrong shape already have their message; these checks are about well-formed ones.
  if (aws.roleName !== undefined && IAM_ROLE_NAME.test(aws.roleName) && aws.roleName !== roleName) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'roleName'],
      message: `the configured role name "${roleName}" (set stacks[].aws.role.name to the name of the role made by hand)`,
    });
  }
  const policyName = scanningPolicyName(roleName);
  const adoptedPolicyName = aws.scanningPolicyArn === undefined ? undefined : policyNameOfArn(aws.scanningPolicyArn);
  if (adoptedPolicyName !== undefined && adoptedPolicyName !== policyName) {
    ctx.addIssue({ code: 'custom', path: [...path, 'scanningPolicyArn'], message: `the ARN of a policy named "${policyName}" (the scanning policy's name is "<role name>-scanning")` });
  }
  if (accountId === undefined) return;
  for (const field of ['oidcProviderArn', 'scanningPolicyArn'] as const) {
    const arn = aws[field];
    const arnAccount = arn === undefined ? undefined : accountOfArn(arn);
    if (arnAccount !== undefined && arnAccount !== accountId) {
      ctx.addIssue({ code: 'custom', path: [...path, field], message: `an ARN in this account, ${accountId}` });
    }
  }
}

export const configSchema = z
  .strictObject({
    $schema: z.string({ error: 'a path or URL of the JSON Schema' }).optional().describe('For editors.'),
    stacks: z
      .array(stackSchema, { error: 'a list of 1 to 50 stacks' })
      .min(1, { error: 'a list of 1 to 50 stacks' })
      .max(50, { error: 'a list of 1 to 50 stacks' }),
  })
  .superRefine((config, ctx) => {
    const accountStacks = new Set(
      config.stacks.flatMap((stack) =>
        (stack.aws.accounts ?? []).map((account) => accountStackName(stack.name, account.accountId).toLowerCase()),
      ),
    );
    const secretStacks = new Set(config.stacks.map((stack) => secretStackName(stack.name).toLowerCase()));
    const seen = new Set<string>();
    config.stacks.forEach((stack, index) => {
      const key = stack.name.toLowerCase();
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['stacks', index, 'name'],
          message: 'a name no other stack has (names are compared ignoring case)',
        });
      } else if (accountStacks.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['stacks', index, 'name'],
          message: 'a name that is not also the name of an account stack ("<stack name>-<accountId>")',
        });
      } else if (secretStacks.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['stacks', index, 'name'],
          message: 'a name that is not also the name of another environment\'s client-secret stack ("<stack name>-secret")',
        });
      }
      seen.add(key);
    });
    roleNameCollisions(config.stacks, ctx);
  });

/**
 * Two environments may not create the same IAM role in one AWS account: the second deploy would fail,
 * or take the first environment's role over. Only the accounts listed in aws.accounts are known at
 * synth; an environment without that list deploys to the account of its credentials, which the synth
 * cannot know, so it is not compared.
 */
function roleNameCollisions(stacks: readonly z.output<typeof stackSchema>[], ctx: z.RefinementCtx): void {
  // IAM compares role names ignoring case.
  const creators = new Map<string, { stackIndex: number; path: string }>();
  stacks.forEach((stack, stackIndex) => {
    const roleName = stack.aws.role.name ?? defaultRoleName(stack.name);
    const named = stack.aws.role.name === undefined ? ` (its default name, "<stack name>-scanner")` : '';
    (stack.aws.accounts ?? []).forEach((account, accountIndex) => {
      const key = `${account.accountId}/${roleName.toLowerCase()}`;
      const creator = creators.get(key);
      if (creator === undefined) {
        creators.set(key, { stackIndex, path: `stacks[${stackIndex}].aws.accounts[${accountIndex}]` });
        return;
      }
      // An account listed twice in one environment is refused on its own ("an account ID listed once only").
      if (creator.stackIndex === stackIndex) return;
      ctx.addIssue({
        code: 'custom',
        path: ['stacks', stackIndex, 'aws', 'accounts', accountIndex, 'accountId'],
        message:
          `where ${creator.path} already creates the IAM role "${roleName}" that stacks[${stackIndex}] would create too${named}; ` +
          `role names are unique in an account, ignoring case: set stacks[${stackIndex}].aws.role.name to a name no other environment uses there`,
        params: { sentence: true },
      });
    });
  });
}

export type KeyInsightConfig = z.output<typeof configSchema>;
export type StackConfig = KeyInsightConfig['stacks'][number];

