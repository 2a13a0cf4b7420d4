/** The only action the trust of the role Key Insight assumes allows (STS: AssumeRoleWithWebIdentity). */
export const ASSUME_ROLE_ACTION = 'sts:AssumeRoleWithWebIdentity';
