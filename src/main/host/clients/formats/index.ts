import type { ConfigFormat } from '../types.js';
import type { ConfigDoc } from './doc.js';
import { parseJson } from './json.js';
import { checkConfigText, tooDeep } from './limits.js';
import { parseToml } from './toml.js';
import { parseYaml } from './yaml.js';

export { ConfigParseError, type ConfigDoc } from './doc.js';

/**
 * The file's text as a document Tarmac can edit. Text over the size or nesting limit is refused
 * first (ConfigLimitError), so no parser recurses through it; a parser that still runs out of
 * stack gets the same answer.
 */
export function parseConfig(format: ConfigFormat, file: string, text: string): ConfigDoc {
  checkConfigText(format, file, text);
  try {
    return parseWith(format, file, text);
  } catch (err) {
    if (err instanceof RangeError) throw tooDeep(file);
    throw err;
  }
}

function parseWith(format: ConfigFormat, file: string, text: string): ConfigDoc {
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
