/**
 * What a parser's error means, in words a person can act on: jsonc-parser names its errors
 * ("InvalidCommentToken"); yaml and smol-toml write sentences, with the place and an excerpt.
 */
const JSON_ERRORS: Record<string, string> = {
  InvalidSymbol: 'a character that does not belong there',
  InvalidNumberFormat: 'a number written in a way JSON does not allow',
  PropertyNameExpected: 'a name in double quotes was expected (a stray or extra comma?)',
  ValueExpected: 'a value was expected (a stray or extra comma?)',
  ColonExpected: 'a colon (:) was expected after the name',
  CommaExpected: 'a comma was expected between two entries',
  CloseBraceExpected: 'a closing brace } is missing',
  CloseBracketExpected: 'a closing bracket ] is missing',
  EndOfFileExpected: 'there is more text after the end of the JSON',
  InvalidCommentToken: 'a comment, which plain JSON does not allow',
  UnexpectedEndOfComment: 'a comment that is never closed (*/ is missing)',
  UnexpectedEndOfString: 'a string that is never closed (a " is missing)',
  UnexpectedEndOfNumber: 'a number that is cut short',
  InvalidUnicode: 'a \\u escape that is not valid',
  InvalidEscapeCharacter: 'a backslash escape that is not valid',
  InvalidCharacter: 'a control character (such as a tab or line break) inside a string',
};


/** A jsonc-parser error name as words; an unknown name is returned as it is. */
export function parseErrorText(code: string): string {
  return JSON_ERRORS[code] ?? code;
}

/** A yaml or smol-toml message without its location and excerpt: "All mapping items must start at the same column". */
export function messageText(message: string): string {
  const first = (message.split('\n')[0] ?? message).replace(/^Invalid TOML document: /, '').replace(/ at line \d+, column \d+:?$/, '').trim();
  return first.charAt(0).toLowerCase() + first.slice(1);
}
