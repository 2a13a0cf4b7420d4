/**
 * Where the Okta app's client secret lives, per environment (`stacks[].okta.app.clientSecret`): written
 * here once for the configuration, the stacks and the key-insight command.
 */
export const CLIENT_SECRET_MODES = ['terraform', 'rotated'] as const;
export type ClientSecretMode = (typeof CLIENT_SECRET_MODES)[number];

/**
 * The `client_secret` output in "rotated" mode: no state holds the secret, so the output says where to get
 * it. No client secret has spaces, so the command tells this sentence from a secret.
 */
export const ROTATED_CLIENT_SECRET_OUTPUT =
  'Not kept by Terraform (clientSecret: "rotated"): create and get the client secret with `npx key-insight rotate-secret start`';
