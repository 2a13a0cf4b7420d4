import { TerraformStack } from 'cdktf';

/**
 * The one version of each Terraform provider every stack requires: exact versions, since this is a root
 * configuration, so that a plan and the deploy after it use the same provider. The committed
 * `.terraform.lock.hcl` (`npm run providers:lock`) holds their checksums. Upgrading a provider means
 * changing its version here and running `npm run providers:lock` again.
 */
export const PROVIDER_VERSIONS = {
  /** The version @cdktf/provider-aws 20.1.0 was generated from. */
  aws: '5.100.0',
  /**
   * The release whose schema the Okta resources are checked against (__tests__/fixtures). The bindings,
   * @cdktf/provider-okta 14.1.1, were generated from 4.20.0, which fails to create API Services apps in
   * many orgs (terraform-provider-okta issues 2295 and 2370, fixed in 5.2.0 by PR 2403); the five
   * resources used here only gained attributes since. Never 6.14.x: 6.14.0 shipped breaking changes by
   * mistake, and 6.15.0 reverted them (terraform-provider-okta issue 2946).
   */
  okta: '6.12.0',
} as const;

export type PinnedProvider = keyof typeof PROVIDER_VERSIONS;

/** Writes the pinned version into the stack's `required_providers` entry for the provider. */
export function pinProvider(stack: TerraformStack, provider: PinnedProvider): void {
  stack.addOverride(`terraform.required_providers.${provider}.version`, PROVIDER_VERSIONS[provider]);
}
