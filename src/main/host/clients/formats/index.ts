import type { ConfigFormat } from '../types.js';
import type { ConfigDoc } from './doc.js';
import { parseJson } from './json.js';
import { parseToml } from './toml.js';
import { parseYaml } from './yaml.js';

export { ConfigParseError, type ConfigDoc } from './doc.js';

export function parseConfig(format: ConfigFormat, file: string, text: string): ConfigDoc {
  switch (format) {
    case 'json':
      return parseJson(file, text, false);
    case 'jsonc':
      return parseJson(file, text, true);
    case 'toml':
      return parseToml(file, text);
    case 'yaml':
      return parseYaml(file, text);
  }
}
