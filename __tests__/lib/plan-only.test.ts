import { Testing } from 'cdktf';
import { parseConfig } from '../../lib/config';
import { synthesize, synthOptionsFromEnvironment, SynthRefusal } from '../../lib/synthesize';
import { configWith, minimalStack, withValue } from '../helpers/config';
import { threeEnvironments } from '../helpers/environments';
import { onlyResource, synthConfig } from '../helpers/synth';

const ACCOUNT = 'ki-prod-111111111111';
const withAccount = configWith(withValue(minimalStack({ name: 'ki-prod' }), 'aws.accounts', [{ accountId: '111111111111' }]));

describe('KEY_INSIGHT_PLAN_ONLY', () => {
  it.each([
    [{}, false],
    [{ KEY_INSIGHT_PLAN_ONLY: '' }, false],
    [{ KEY_INSIGHT_PLAN_ONLY: '1' }, true],
  ])('%j selects planOnly %s', (env, planOnly) => {
    expect(synthOptionsFromEnvironment(env)).toEqual({ planOnly, stacksFrozen: false });
  });

  it.each(['true', '0', 'yes'])('refuses %j, naming the variable, the value and what is allowed', (value) => {
    const refuse = () => synthOptionsFromEnvironment({ KEY_INSIGHT_PLAN_ONLY: value });
    expect(refuse).toThrow(SynthRefusal);
    expect(refuse).toThrow(
      `KEY_INSIGHT_PLAN_ONLY is "${value}", but must be "1" (a plan-only synth, for pull-request plans) or unset (a synth that can be deployed); nothing was written`,
    );
  });
});

describe('a plan-only account stack', () => {
  const stack = synthConfig(withAccount, { planOnly: true })[ACCOUNT];

  it('declares environment_deployed, a Boolean that defaults to true', () => {
    expect(stack.variable).toEqual({
      environment_deployed: {
        type: 'bool',
        default: true,
        nullable: false,
        description: 'false while the environment stack has no state: plan with placeholder values (a plan-only stack, never applied)',
      },
    });
  });

  it("reads the environment stack's state only while environment_deployed is true", () => {
    expect(stack.data!.terraform_remote_state.environment.count).toBe('${var.environment_deployed ? 1 : 0}');
  });

  it('trusts the published issuer and client ID, or the placeholders while the environment is not deployed', () => {
    const issuer =
      'var.environment_deployed ? data.terraform_remote_state.environment[0].outputs.issuer : "https://environment-not-deployed.invalid/oauth2/plan-only"';
    expect(onlyResource(stack, 'aws_iam_openid_connect_provider').url).toBe(`\${${issuer}}`);
    // Terraform evaluates the expressions before the text is JSON: it is not JSON yet.
    expect(onlyResource(stack, 'aws_iam_role').assume_role_policy).toContain(
      `"\${replace(${issuer}, "https://", "")}:sub":"\${var.environment_deployed ? data.terraform_remote_state.environment[0].outputs.client_id : "plan-only-placeholder-client-id"}"`,
    );
  });

  it('gives each of its four resources the precondition that fails every apply', () => {
    const types = ['aws_iam_openid_connect_provider', 'aws_iam_policy', 'aws_iam_role', 'aws_iam_role_policy_attachment'];
    for (const type of types) {
      expect(onlyResource(stack, type).lifecycle.precondition).toEqual([
        {
          condition: '${timestamp() == "plan only" && var.environment_deployed != null}',
          error_message:
            'ki-prod-111111111111 was synthesized with KEY_INSIGHT_PLAN_ONLY=1 for a pull-request plan: it may plan with placeholder values, so it can be planned but never applied. Synthesize without KEY_INSIGHT_PLAN_ONLY to deploy.',
        },
      ]);
    }
    expect(Object.keys(stack.resource!).sort()).toEqual(types);
  });
});

describe('the plan-only synth', () => {
  it('writes every stack but the account stacks as the synth that deploys writes them', () => {
    const deployable = synthConfig(threeEnvironments());
    const planOnly = synthConfig(threeEnvironments(), { planOnly: true });
    expect(Object.keys(planOnly)).toEqual(Object.keys(deployable));
    const changed = Object.keys(planOnly).filter((name) => JSON.stringify(planOnly[name]) !== JSON.stringify(deployable[name]));
    expect(changed.sort()).toEqual(['ki-hcp-444444444444', 'ki-prod-111111111111', 'ki-prod-222222222222', 'ki-prod-333333333333']);
  });

  it('passes the security review as the synth that deploys does', () => {
    const config = parseConfig(threeEnvironments());
    expect(synthesize(Testing.app(), config, 'config.json', { planOnly: true })).toEqual(synthesize(Testing.app(), config, 'config.json'));
  });
});
