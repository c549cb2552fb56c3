import { createRequire } from 'node:module';

/** The version in package.json; bundled builds inline it through the define below. */
declare const __TARMAC_VERSION__: string | undefined;

function readVersion(): string {
  if (typeof __TARMAC_VERSION__ === 'string') return __TARMAC_VERSION__;
  const require = createRequire(import.meta.url);
  return (require('../../../package.json') as { version: string }).version;
}

export const TARMAC_VERSION: string = readVersion();
