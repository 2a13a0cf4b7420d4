import { isAcknowledgeable, type Rule } from '../rule';
import { accountRetired } from './account-retired';
import { extraPolicies } from './extra-policies';
import { localStateAccounts } from './local-state-accounts';
import { oidcAudience } from './oidc-audience';
import { oktaNamesShared } from './okta-names-shared';
import { organizationAutoDeploy } from './organization-auto-deploy';
import { policyAllClients } from './policy-all-clients';
import { roleSession } from './role-session';
import { ruleGrantTypes } from './rule-grant-types';
import { ruleScopeWildcard } from './rule-scope-wildcard';
import { scanningReadOnly } from './scanning-read-only';
import { scanningReadsData } from './scanning-reads-data';
import { scanningUnlisted } from './scanning-unlisted';
import { tokenLifetime } from './token-lifetime';
import { trustConditions } from './trust-conditions';
import { trustPrincipal } from './trust-principal';
import { trustWildcard } from './trust-wildcard';

export const RULES: readonly Rule[] = [
  trustConditions,
  trustWildcard,
  trustPrincipal,
  scanningReadOnly,
  scanningReadsData,
  scanningUnlisted,
  ruleGrantTypes,
  ruleScopeWildcard,
  oidcAudience,
  policyAllClients,
  tokenLifetime,
  roleSession,
  localStateAccounts,
  extraPolicies,
  organizationAutoDeploy,
  accountRetired,
  oktaNamesShared,
];

/** The IDs a configuration may acknowledge: the warnings, and the errors that are acknowledgeable. */
export const ACKNOWLEDGEABLE_IDS = RULES.filter(isAcknowledgeable).map((rule) => rule.id) as [string, ...string[]];
