import { DEFAULT_MAX_SCAN_AGE_HOURS, DEFAULT_TIMEOUT_MS } from './args';
import { ARMOR_DEFAULT_URL, ARMOR_ENV } from './status/armor-facts';

export const ROTATE_SECRET_HELP = `key-insight rotate-secret start|finish|abort [--outputs-file F] [--stack S] [--show-secret] [--timeout-ms N]

Rotates the Okta app's client secret with no downtime and no new client ID, through Okta's app secrets
API (an app holds at most two secrets). The app ID (the client ID), token endpoint and scopes come from
the outputs file, as for verify; Okta credentials from OKTA_ORG_NAME + OKTA_BASE_URL (or OKTA_ORG_URL)
and OKTA_API_TOKEN, or OKTA_API_CLIENT_ID, OKTA_API_PRIVATE_KEY, OKTA_API_PRIVATE_KEY_ID, OKTA_API_SCOPES.
  start    refuses when the app already has two secrets; creates a second secret, gets a token with it
           and checks the token as verify does, then writes it into the outputs file's client_secret.
           Update Key Insight's Client Secret, then run finish.
  finish   refuses unless the outputs file holds one of the app's two secrets; gets a token with it,
           deactivates the other secret, gets a token again, then deletes the other secret.
  abort    deactivates and deletes the newest secret, and writes the remaining one (from Okta's list of
           the app's secrets) into the outputs file.
  --show-secret    (start) print the new secret once instead of writing it into the outputs file
  --timeout-ms N   limit for each request (to Okta's management API and the token endpoint; default ${DEFAULT_TIMEOUT_MS})
The secret goes only to a token endpoint under the stack's issuer, on its origin, and no redirect is followed.
Neither a secret nor a token is printed unless --show-secret asks. A failure names the step, leaves both
secrets working, and exits with 1.
`;

export const DISCOVER_HELP = `key-insight discover [--stack NAME]

Finds an Okta and AWS setup made by hand and prints the "adopt" block to paste into the configuration,
so that the next deploy imports it instead of creating it anew. Reads the configuration
(key-insight.config.json, or KEY_INSIGHT_CONFIG) and looks for what it names:
  Okta  the app by label, the authorization server by name, its scopes, access policy and rule by name
        (credentials as the Okta provider reads them: OKTA_ORG_NAME + OKTA_BASE_URL, or OKTA_ORG_URL;
        OKTA_API_TOKEN, or OKTA_API_CLIENT_ID, OKTA_API_PRIVATE_KEY, OKTA_API_PRIVATE_KEY_ID, OKTA_API_SCOPES)
  AWS   the IAM OIDC provider by the issuer's URL, the role and the scanning policy by name (the
        standard AWS credential chain; AWS_ENDPOINT_URL_IAM overrides the endpoint); with aws.accounts,
        in the account of the credentials, whose aws.accounts entry gets the block: run once per account
  --stack NAME   only this stack of the configuration (default: every stack)
It says what it did not find or found more than once; exit code 1 then, 0 when everything was found.
`;

export const STATUS_HELP = `key-insight status [--outputs-file F] [--stack S] [--json] [--max-scan-age-hours N] [--timeout-ms N]

Asks Key Insight, through the Fortanix Armor API it runs on, what it does with each deployed account
of the --stack environment, or without --stack of every environment in the outputs file:
the connection whose role ARN is the account's role, whether it signs in with the Okta trust (OpenID
Connect) or an access key, whether its scope fits (account with that account ID, or organization for an
organization's management role), and its latest scan. For an organization it also checks every active
member account that \`outputs --accounts\` lists (with AWS credentials that may list the organization)
against the accounts the latest completed scan covered.
Problems: no connection, an access key, a scope that does not fit, no completed scan within
--max-scan-age-hours, a failed latest scan, a member account missing from the latest completed scan.
  --json                  print {"accounts":[...]} only; for several environments {"environments":[{"stack","accounts"}]}
  --max-scan-age-hours N  how recent the latest completed scan must be (default ${DEFAULT_MAX_SCAN_AGE_HOURS})
  --timeout-ms N          limit for each request (default ${DEFAULT_TIMEOUT_MS})
Credentials: ${ARMOR_ENV.appId} and ${ARMOR_ENV.apiKey} (an Armor app's API key, never printed);
${ARMOR_ENV.url}, default ${ARMOR_DEFAULT_URL} (North America: https://api.na.armor.fortanix.com).
Plain http is refused except to loopback addresses.
Exit codes: 0 no account has a problem, 1 one has or an Armor call failed, 2 usage error.
`;

export const RENAME_STACK_HELP = `key-insight rename-stack OLD NEW

Moves the Terraform state of an environment renamed in the configuration (stacks[].name OLD, now NEW),
and of its "<OLD>-secret" and "<OLD>-<account ID>" stacks, to the new names, so that the next deploy
changes nothing instead of creating everything anew (a new Okta app means a new client ID). Rename the
environment in the configuration first; the backend is NEW's:
  local   renames terraform.<stack>.tfstate (and its .backup) at the project root
  s3      copies <keyPrefix>/<stack>.tfstate to the new key, reads the copy back and compares it, then
          deletes the old object, holding both keys' <key>.tflock lock files meanwhile (AWS credentials
          from the standard chain; AWS_ENDPOINT_URL_S3 overrides the endpoint)
  cloud   prints the HCP Terraform workspaces to rename (<OLD>-secret's included); moves nothing
Nothing moves when a new name already has a state or a state is locked. Each move is printed.
Exit codes: 0 moved, 1 nothing to move, refused or a move failed, 2 usage error.
`;
