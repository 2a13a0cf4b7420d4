/**
 * What `npm run check:aws` (scripts/offline-check.ts) plans, and with which CLI config: the copy of a
 * stack without its Okta half, the override file that keeps Terraform offline, and where hashicorp/aws
 * comes from. No Terraform runs here (check-aws.terraform.test.ts runs it).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsHalf, cliConfigText, hasAwsHalf, offlineOverride, providerSource } from '../../scripts/offline-check';
import { configWith, minimalStack, withValue } from '../helpers/config';
import { synthConfig } from '../helpers/synth';

const SERVER_ID = 'aus1a2b3c4d5e6f7g8h9';
const ADOPTED = {
  okta: { appId: '0oa1a2b3c4d5e6f7g8h9', authorizationServerId: SERVER_ID },
  aws: { roleName: 'ki-one-scanner', oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/acme.okta.com/oauth2/${SERVER_ID}` },
};
const stacks = synthConfig(
  configWith(
    minimalStack({ name: 'ki-one', adopt: ADOPTED }),
    withValue(
      withValue(minimalStack({ name: 'ki-many' }), 'aws.accounts', [{ accountId: '222222222222', assumeRoleArn: 'arn:aws:iam::222222222222:role/deploy' }]),
      'backend',
      { type: 's3', bucket: 'acme-tf-state', keyPrefix: 'key-insight', region: 'eu-west-1' },
    ),
  ),
);
const single = stacks['ki-one'];
const account = stacks['ki-many-222222222222'];

describe('the AWS half of a stack', () => {
  it("has no Okta provider, version pin, resource, data source, import or moved block or reference left (cdktf's comment aside)", () => {
    const copy = awsHalf(single);

    expect(Object.keys(copy.provider)).toEqual(['aws']);
    expect(Object.keys(copy.terraform.required_providers)).toEqual(['aws']);
    expect(Object.keys(copy.resource).sort()).toEqual(['aws_iam_openid_connect_provider', 'aws_iam_policy', 'aws_iam_role', 'aws_iam_role_policy_attachment']);
    expect(copy.data).toBeUndefined();
    expect(copy.import.map((block: { to: string }) => block.to.split('.')[0]).sort()).toEqual(['aws_iam_openid_connect_provider', 'aws_iam_role']);
    const { '//': _cdktfComment, ...configuration } = copy;
    expect(JSON.stringify(configuration)).not.toMatch(/okta_/);
  });

  it('trusts the placeholder issuer where the stack trusts the Okta issuer, or the value given for it', () => {
    const oidcProvider = (copy: any) => Object.values<any>(copy.resource.aws_iam_openid_connect_provider)[0];

    expect(oidcProvider(awsHalf(single)).url).toBe('${"https://offline-check.invalid/oauth2/offline-check"}');
    expect(oidcProvider(awsHalf(single, { issuer: 'https://acme.okta.com/oauth2/aus9' })).url).toBe('${"https://acme.okta.com/oauth2/aus9"}');
    expect(JSON.stringify(Object.values<any>(awsHalf(single).resource.aws_iam_role)[0].assume_role_policy)).toContain(
      'replace(\\"https://offline-check.invalid/oauth2/offline-check\\", \\"https://\\", \\"\\")',
    );
  });

  it('leaves out the assumed role and the account check, which need STS, and keeps the region', () => {
    expect(account.provider!.aws[0]).toMatchObject({ allowed_account_ids: ['222222222222'], assume_role: expect.any(Array) });

    expect(awsHalf(account).provider.aws).toEqual([{ region: 'eu-west-1' }]);
  });

  it('is found in the stacks with an AWS provider only', () => {
    expect(Object.keys(stacks).filter((name) => hasAwsHalf(stacks[name])).sort()).toEqual(['ki-many-222222222222', 'ki-one']);
  });
});

describe('the override file', () => {
  it('gives the stack a local backend in its scratch folder and an AWS provider that does not call AWS', () => {
    const override = offlineOverride(awsHalf(account));

    expect(override.terraform).toEqual({ backend: { local: { path: 'terraform.tfstate' } } });
    expect(override.provider).toEqual({
      aws: [{ skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true }],
    });
  });

  it("reads an S3 remote state from a local file, with placeholders for the outputs the stack reads", () => {
    expect(offlineOverride(awsHalf(account)).data).toEqual({
      terraform_remote_state: {
        environment: {
          backend: 'local',
          config: { path: 'remote-state.environment.tfstate' },
          defaults: { client_id: 'offline-check-client_id', issuer: 'https://offline-check.invalid/oauth2/offline-check' },
        },
      },
    });
  });

  it('keeps the relative path of a local remote state, which in the scratch copy points inside it', () => {
    const localAccount = synthConfig(configWith(withValue(minimalStack({ name: 'ki-local' }), 'aws.accounts', [{ accountId: '333333333333' }])))[
      'ki-local-333333333333'
    ];

    expect(offlineOverride(awsHalf(localAccount)).data.terraform_remote_state.environment.config).toEqual({ path: '../../../terraform.ki-local.tfstate' });
  });

  it('has no remote state when the stack reads none', () => {
    expect(offlineOverride(awsHalf(single)).data).toBeUndefined();
  });
});

describe('where hashicorp/aws comes from', () => {
  const project = mkdtempSync(join(tmpdir(), 'ki-provider-source-'));

  it('is the mirror KEY_INSIGHT_TF_PLUGIN_MIRROR names, when it holds hashicorp/aws', () => {
    const mirror = join(project, 'mirror');
    mkdirSync(join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0'), { recursive: true });

    expect(providerSource(project, { KEY_INSIGHT_TF_PLUGIN_MIRROR: mirror })).toEqual({ mirror });
  });

  it("is the registry, through the project's plugin cache, when the mirror has no hashicorp/aws", () => {
    const emptyMirror = join(project, 'empty-mirror');
    mkdirSync(join(emptyMirror, 'registry.terraform.io', 'hashicorp', 'tls'), { recursive: true });

    expect(providerSource(project, { KEY_INSIGHT_TF_PLUGIN_MIRROR: emptyMirror })).toEqual({ pluginCache: join(project, '.terraform', 'plugin-cache') });
    expect(providerSource(project, { KEY_INSIGHT_TF_PLUGIN_MIRROR: join(project, 'missing') })).toEqual({
      pluginCache: join(project, '.terraform', 'plugin-cache'),
    });
  });

  it('installs hashicorp/aws from the mirror only, and the rest directly, with a mirror', () => {
    expect(cliConfigText({ mirror: '/srv/mirror' })).toBe(
      [
        'plugin_cache_dir = "/srv/mirror"',
        'plugin_cache_may_break_dependency_lock_file = true',
        'provider_installation {',
        '  filesystem_mirror {',
        '    path    = "/srv/mirror"',
        '    include = ["registry.terraform.io/hashicorp/aws"]',
        '  }',
        '  direct {',
        '    exclude = ["registry.terraform.io/hashicorp/aws"]',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('installs from the registry into the plugin cache, without a mirror', () => {
    expect(cliConfigText({ pluginCache: '/work/project/.terraform/plugin-cache' })).toBe('plugin_cache_dir = "/work/project/.terraform/plugin-cache"\n');
  });
});
