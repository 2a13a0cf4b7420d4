import { z } from 'zod';
import { configSchema } from './schema';

/** The JSON Schema editors read to complete and check key-insight.config.json, made from the same schema. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
  return {
    ...schema,
    $id: 'key-insight.config.schema.json',
    title: 'Fortanix Key Insight: Okta client credentials and AWS OIDC trust',
    description: 'Configuration of the cdktf stacks; each entry of stacks is one environment.',
  };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
