import { ConfigError, parseConfig } from '../../../lib/config';
import { configWith, minimalStack, withValue } from '../../helpers/config';

const OU = 'ou-ab12-cd34ef56';
const ROOT = 'r-ab12';

function organizationStack(organization: Record<string, unknown>): any {
  return withValue(minimalStack(), 'aws.organization', organization);
}

function problemsOf(stack: any): string {
  try {
    parseConfig(configWith(stack), 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

const oneProblem = (line: string) => `Invalid configuration in test.json (1 problem):\n  - ${line}`;

describe('stacks[].aws.organization', () => {
  it('fills the defaults: automatic deployment, the management account with its role, 25% at once, 10% tolerated failures', () => {
    const [stack] = parseConfig(configWith(organizationStack({ organizationalUnitIds: [OU] }))).stacks;
    expect(stack.aws.organization).toEqual({
      organizationalUnitIds: [OU],
      autoDeployment: true,
      callAs: 'SELF',
      maxConcurrentPercentage: 25,
      failureTolerancePercentage: 10,
      managementRole: true,
    });
  });

  it('takes managementRole: false, and refuses anything but a boolean', () => {
    const withUnits = (managementRole: unknown) => organizationStack({ organizationalUnitIds: [OU], managementRole });
    expect(parseConfig(configWith(withUnits(false))).stacks[0].aws.organization?.managementRole).toBe(false);
    expect(problemsOf(withUnits('no'))).toBe(oneProblem('stacks[0].aws.organization.managementRole is "no", but must be true or false'));
  });

  it('is absent unless configured', () => {
    expect(parseConfig(configWith(minimalStack())).stacks[0].aws.organization).toBeUndefined();
  });

  it.each([OU, ROOT, `ou-${'a'.repeat(32)}-${'0'.repeat(32)}`, `r-${'z'.repeat(32)}`])('accepts the target %s', (id) => {
    const [stack] = parseConfig(configWith(organizationStack({ organizationalUnitIds: [id] }))).stacks;
    expect(stack.aws.organization!.organizationalUnitIds).toEqual([id]);
  });

  it.each(['ou-ab1-cd34ef56', 'ou-ab12-cd34ef5', 'OU-AB12-CD34EF56', 'r-ab1', '123456789012', 'ou-ab12-cd34ef56 ', `r-${'a'.repeat(33)}`])(
    'refuses the malformed target %j',
    (id) => {
      expect(problemsOf(organizationStack({ organizationalUnitIds: [OU, id] }))).toBe(
        oneProblem(
          `stacks[0].aws.organization.organizationalUnitIds[1] is ${JSON.stringify(id)}, but must be an organizational unit ID (ou-xxxx-xxxxxxxx) or a root ID (r-xxxx), in lowercase`,
        ),
      );
    },
  );

  it('refuses a target listed twice', () => {
    expect(problemsOf(organizationStack({ organizationalUnitIds: [OU, ROOT, OU] }))).toBe(
      oneProblem(`stacks[0].aws.organization.organizationalUnitIds[2] is "${OU}", but must be an organizational unit ID listed once only`),
    );
  });

  it('refuses an empty target list', () => {
    expect(problemsOf(organizationStack({ organizationalUnitIds: [] }))).toBe(
      oneProblem('stacks[0].aws.organization.organizationalUnitIds is [], but must be a list of 1 to 100 organizational unit IDs or root IDs'),
    );
  });

  const units = (count: number) => Array.from({ length: count }, (_, index) => `ou-ab12-${String(index).padStart(8, '0')}`);

  it('accepts 100 targets', () => {
    const [stack] = parseConfig(configWith(organizationStack({ organizationalUnitIds: units(100) }))).stacks;
    expect(stack.aws.organization!.organizationalUnitIds).toHaveLength(100);
  });

  it('refuses 101 targets', () => {
    expect(problemsOf(organizationStack({ organizationalUnitIds: units(101) }))).toMatch(
      /^Invalid configuration in test\.json \(1 problem\):\n {2}- stacks\[0\]\.aws\.organization\.organizationalUnitIds is \["ou-ab12-00000000",.*\(101 items\), but must be a list of 1 to 100 organizational unit IDs or root IDs$/,
    );
  });

  it('refuses accounts and an organization together', () => {
    const stack = withValue(organizationStack({ organizationalUnitIds: [OU] }), 'aws.accounts', [{ accountId: '111111111111' }]);
    expect(problemsOf(stack)).toBe(
      oneProblem(
        `stacks[0].aws.organization is {"organizationalUnitIds":["${OU}"]}, but must be left out when stacks[].aws.accounts is set: an environment onboards listed accounts or an organization, not both`,
      ),
    );
  });

  it.each([1, 100])('accepts %i percent of the accounts at once', (percent) => {
    const [stack] = parseConfig(configWith(organizationStack({ organizationalUnitIds: [OU], maxConcurrentPercentage: percent }))).stacks;
    expect(stack.aws.organization!.maxConcurrentPercentage).toBe(percent);
  });

  it.each([0, 101, 12.5])('refuses %s percent of the accounts at once', (percent) => {
    expect(problemsOf(organizationStack({ organizationalUnitIds: [OU], maxConcurrentPercentage: percent }))).toBe(
      oneProblem(`stacks[0].aws.organization.maxConcurrentPercentage is ${percent}, but must be an integer from 1 to 100 (percent)`),
    );
  });

  it.each([0, 100])('accepts a failure tolerance of %i percent', (percent) => {
    const [stack] = parseConfig(configWith(organizationStack({ organizationalUnitIds: [OU], failureTolerancePercentage: percent }))).stacks;
    expect(stack.aws.organization!.failureTolerancePercentage).toBe(percent);
  });

  it.each([-1, 101])('refuses a failure tolerance of %i percent', (percent) => {
    expect(problemsOf(organizationStack({ organizationalUnitIds: [OU], failureTolerancePercentage: percent }))).toBe(
      oneProblem(`stacks[0].aws.organization.failureTolerancePercentage is ${percent}, but must be an integer from 0 to 100 (percent)`),
    );
  });

  it('refuses an unknown callAs', () => {
    expect(problemsOf(organizationStack({ organizationalUnitIds: [OU], callAs: 'ADMIN' }))).toBe(
      oneProblem('stacks[0].aws.organization.callAs is "ADMIN", but must be one of "SELF", "DELEGATED_ADMIN"'),
    );
  });

  it('refuses an unknown key and lists the allowed ones', () => {
    expect(problemsOf(organizationStack({ organizationalUnitIds: [OU], accounts: [] }))).toBe(
      oneProblem(
        'stacks[0].aws.organization has an unknown key "accounts"; allowed keys: organizationalUnitIds, autoDeployment, callAs, maxConcurrentPercentage, failureTolerancePercentage, managementRole',
      ),
    );
  });
});
