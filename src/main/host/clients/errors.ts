/** Registration failures, apart from the registrar so the window's error mapping loads none of it. */
export { ConfigParseError } from './formats/doc.js';

export class UnknownClientError extends Error {
  override readonly name = 'UnknownClientError';
  constructor(id: string, known: readonly string[]) {
    super(`unknown client "${id}": see \`tarmac clients\` for the ids (${known.join(', ')})`);
  }
}

export class ClientActionError extends Error {
  override readonly name: string = 'ClientActionError';
}

/** The file has an entry named "tarmac" that Tarmac did not write: replaced or removed only with force. */
export class ForeignEntryError extends ClientActionError {
  override readonly name = 'ForeignEntryError';
  constructor(
    readonly file: string,
    /** What the entry is, e.g. 'an entry named "tarmac" that Tarmac did not write (it points at ...)'. */
    readonly what: string,
    message: string,
  ) {
    super(message);
  }
}

/** A config file over the size or nesting limit (formats/limits.ts): read no further, never written. */
export class ConfigLimitError extends ClientActionError {
  override readonly name = 'ConfigLimitError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}
