import { parseConfig } from '../../lib/config';
import { minimalStack } from '../helpers/config';

// What the configuration refuses in `adopt`: IDs of the wrong shape, and IDs that could not be imported
// into what the configuration describes.

const SERVER_ID = 'aus1a2b3c4d5e6f7g8h9';
const HEADER = 'Invalid configuration in key-insight.config.json (1 problem):\n';

function refusal(adopt: unknown, stackOverrides: Record<string, unknown> = {}): string {
  try {
    parseConfig({ stacks: [minimalStack({ adopt, ...stackOverrides })] });
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
}

describe('adopt: the shape of each ID', () => {
  it.each([
    ['appId', 'aus1a2b3c4d5e6f7g8h9', 'an Okta app (client) ID: 20 letters and digits starting with 0oa, such as 0oa1a2b3c4d5e6f7g8h9'],
    ['authorizationServerId', '0oa1a2b3c4d5e6f7g8h9', 'an Okta authorization server ID: 20 letters and digits starting with aus, such as aus1a2b3c4d5e6f7g8h9'],
    ['accessPolicyId', '0pr1a2b3c4d5e6f7g8h9', 'an Okta access policy ID: 20 letters and digits starting with 00p, such as 00p1a2b3c4d5e6f7g8h9'],
  ])('refuses okta.%s %s with the path, the value and the shape', (field, value, allowed) => {
    const adopt = { okta: { authorizationServerId: SERVER_ID, accessPolicyId: '00p1a2b3c4d5e6f7g8h9', [field]: value } };
    expect(refusal(adopt)).toBe(`${HEADER}  - stacks[0].adopt.okta.${field} is "${value}", but must be ${allowed}`);
  });

  it('refuses a rule ID one character short, and accepts one of 20 characters', () => {
    const adopt = (ruleId: string) => ({ okta: { authorizationServerId: SERVER_ID, accessPolicyId: '00p1a2b3c4d5e6f7g8h9', ruleId } });
    expect(refusal(adopt('0pr1a2b3c4d5e6f7g8h'))).toBe(
      `${HEADER}  - stacks[0].adopt.okta.ruleId is "0pr1a2b3c4d5e6f7g8h", but must be an Okta access policy rule ID: 20 letters and digits starting with 0pr, such as 0pr1a2b3c4d5e6f7g8h9`,
    );
    expect(refusal(adopt('0pr1a2b3c4d5e6f7g8h9'))).toBe('accepted');
  });

  it('refuses a scope ID of the wrong shape', () => {
    expect(refusal({ okta: { authorizationServerId: SERVER_ID, scopeIds: { 'key-insight.scan': 'scp-1' } } })).toBe(
      `${HEADER}  - stacks[0].adopt.okta.scopeIds["key-insight.scan"] is "scp-1", but must be an Okta scope ID: 20 letters and digits starting with scp, such as scp1a2b3c4d5e6f7g8h9`,
    );
  });

  it('refuses a role ARN given as the OIDC provider ARN', () => {
    expect(refusal({ aws: { oidcProviderArn: 'arn:aws:iam::123456789012:role/ki-test-scanner' } })).toBe(
      `${HEADER}  - stacks[0].adopt.aws.oidcProviderArn is "arn:aws:iam::123456789012:role/ki-test-scanner", but must be an IAM OIDC provider ARN such as arn:aws:iam::123456789012:oidc-provider/example.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9`,
    );
  });

  it('refuses an AWS managed policy ARN as the scanning policy', () => {
    expect(refusal({ aws: { scanningPolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } })).toBe(
      `${HEADER}  - stacks[0].adopt.aws.scanningPolicyArn is "arn:aws:iam::aws:policy/ReadOnlyAccess", but must be an IAM customer managed policy ARN such as arn:aws:iam::123456789012:policy/ki-dev-scanner-scanning`,
    );
  });

  it('refuses a role name IAM would refuse', () => {
    expect(refusal({ aws: { roleName: 'ki test' } })).toBe(
      `${HEADER}  - stacks[0].adopt.aws.roleName is "ki test", but must be an IAM role name: 1 to 64 letters, digits and + = , . @ _ -`,
    );
  });
});

describe('adopt: what the configuration must agree with', () => {
  it('refuses a scope ID for a scope the configuration does not list', () => {
    expect(refusal({ okta: { authorizationServerId: SERVER_ID, scopeIds: { 'other.scope': 'scp1a2b3c4d5e6f7g8h9' } } })).toBe(
      `${HEADER}  - stacks[0].adopt.okta.scopeIds["other.scope"] is "scp1a2b3c4d5e6f7g8h9", but must be the ID of a scope listed in stacks[].okta.scopes (key-insight.scan)`,
    );
  });

  it('refuses a policy ID without the authorization server it belongs to', () => {
    expect(refusal({ okta: { accessPolicyId: '00p1a2b3c4d5e6f7g8h9' } })).toBe(
      `${HEADER}  - stacks[0].adopt.okta.accessPolicyId is "00p1a2b3c4d5e6f7g8h9", but must be given together with adopt.okta.authorizationServerId (Okta's import ID for it starts with the server's ID)`,
    );
  });

  it('refuses a rule ID without its policy', () => {
    expect(refusal({ okta: { authorizationServerId: SERVER_ID, ruleId: '0pr1a2b3c4d5e6f7g8h9' } })).toBe(
      `${HEADER}  - stacks[0].adopt.okta.ruleId is "0pr1a2b3c4d5e6f7g8h9", but must be given together with adopt.okta.accessPolicyId (a rule's import ID names its policy)`,
    );
  });

  it('refuses a role name other than the configured one, which would replace the adopted role', () => {
    expect(refusal({ aws: { roleName: 'FortanixKeyInsight' } })).toBe(
      `${HEADER}  - stacks[0].adopt.aws.roleName is "FortanixKeyInsight", but must be the configured role name "ki-test-scanner" (set stacks[].aws.role.name to the name of the role made by hand)`,
    );
  });

  it('accepts the role made by hand once aws.role.name names it', () => {
    expect(refusal({ aws: { roleName: 'FortanixKeyInsight' } }, { aws: { region: 'eu-west-1', role: { name: 'FortanixKeyInsight' } } })).toBe('accepted');
  });

  it('refuses a scanning policy whose name is not "<role name>-scanning"', () => {
    expect(refusal({ aws: { scanningPolicyArn: 'arn:aws:iam::123456789012:policy/FortanixFkiScanner' } })).toBe(
      `${HEADER}  - stacks[0].adopt.aws.scanningPolicyArn is "arn:aws:iam::123456789012:policy/FortanixFkiScanner", but must be the ARN of a policy named "ki-test-scanner-scanning" (the scanning policy's name is "<role name>-scanning")`,
    );
  });

  it("refuses an account's OIDC provider ARN from another account", () => {
    const accounts = [{ accountId: '111111111111', adopt: { aws: { oidcProviderArn: 'arn:aws:iam::222222222222:oidc-provider/acme.okta.com' } } }];
    expect(refusal(undefined, { aws: { region: 'eu-west-1', accounts } })).toBe(
      `${HEADER}  - stacks[0].aws.accounts[0].adopt.aws.oidcProviderArn is "arn:aws:iam::222222222222:oidc-provider/acme.okta.com", but must be an ARN in this account, 111111111111`,
    );
  });

  it("refuses the environment's adopt.aws when account stacks hold the AWS resources", () => {
    expect(refusal({ aws: { roleName: 'ki-test-scanner' } }, { aws: { region: 'eu-west-1', accounts: [{ accountId: '111111111111' }] } })).toBe(
      `${HEADER}  - stacks[0].adopt.aws is {"roleName":"ki-test-scanner"}, but must be left out: with aws.accounts, each account stack holds its own AWS resources; adopt them with stacks[].aws.accounts[].adopt.aws`,
    );
  });

  it('refuses a client secret mode it does not know', () => {
    expect(refusal(undefined, { okta: { ...minimalStack().okta, app: { clientSecret: 'vault' } } })).toBe(
      `${HEADER}  - stacks[0].okta.app.clientSecret is "vault", but must be one of "terraform", "rotated"`,
    );
  });
});
