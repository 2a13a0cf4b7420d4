import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema, configJsonSchemaText } from '../../../lib/config/json-schema';
import { ROOT } from '../../helpers/config';

describe('key-insight.config.schema.json', () => {
  it('is what `npm run schema` makes from the configuration schema', () => {
    expect(readFileSync(join(ROOT, 'key-insight.config.schema.json'), 'utf8')).toBe(configJsonSchemaText());
  });

  it('forbids unknown keys and gives the limits, as the synth does', () => {
    const stack = (configJsonSchema() as any).properties.stacks.items;
    expect(stack.additionalProperties).toBe(false);
    const rule = stack.properties.okta.properties.rule.properties.accessTokenLifetimeMinutes;
    expect(rule).toMatchObject({ type: 'integer', minimum: 5, maximum: 1440, default: 60 });
  });
});
