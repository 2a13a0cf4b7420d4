// Writes key-insight.config.schema.json from lib/config/schema.ts: `npm run schema`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchemaText } from '../lib/config/json-schema';

writeFileSync(join(__dirname, '..', 'key-insight.config.schema.json'), configJsonSchemaText());
