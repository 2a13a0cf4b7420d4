import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { PROVIDER_VERSIONS } from '../../lib/provider-versions';
import { configWith, minimalStack, withValue } from '../helpers/config';
import { threeEnvironments } from '../helpers/environments';
import { organizationStack } from '../helpers/organization';
import { synthConfig } from '../helpers/synth';

/** Every stack kind: single-account, with accounts (a retired one too), organization; both secret modes. */
const stacks = {
  ...synthConfig(threeEnvironments()),
  ...synthConfig(configWith(withValue(minimalStack({ name: 'ki-retiring' }), 'aws.accounts', [{ accountId: '555555555555', retired: true }]))),
  ...synthConfig(configWith(withValue(organizationStack(), 'okta.app.clientSecret', 'rotated'))),
};

describe.each(Object.keys(stacks))('%s', (name) => {
  it('requires okta/okta 6.12.0 and hashicorp/aws 5.100.0 exactly, for each provider it configures', () => {
    const stack = stacks[name];
    const expected: Record<string, { source: string; version: string }> = {};
    if (stack.provider?.okta) expected.okta = { source: 'okta/okta', version: '6.12.0' };
    if (stack.provider?.aws) expected.aws = { source: 'aws', version: '5.100.0' };
    expect(stack.terraform.required_providers).toEqual(expected);
  });
});

it('pins hashicorp/aws to the version the installed bindings were generated from', () => {
  const provider = new AwsProvider(new TerraformStack(new App(), 'probe'), 'aws', {});
  const generatedFrom = (provider as unknown as { terraformGeneratorMetadata: { providerVersion: string } }).terraformGeneratorMetadata.providerVersion;
  expect(PROVIDER_VERSIONS.aws).toBe(generatedFrom);
});
