/** Most text one tool answer hands a model. */
export const MAX_TEXT_BYTES = 1024 * 1024;

export interface CapTextOptions {
  /** Default MAX_TEXT_BYTES. */
  maxBytes?: number;
  /** How to ask for less, appended to the truncation note (e.g. "narrow with label_selector"). */
  hint?: string;
  /** Cut after the last whole line that fits (list answers), not mid-line. */
  atLineBreak?: boolean;
}

/** Cuts text to `maxBytes` (1 MiB) on a character boundary and says so, note included in the budget. */
export function capText(text: string, options: CapTextOptions = {}): string {
  const max = options.maxBytes ?? MAX_TEXT_BYTES;
  const bytes = Buffer.byteLength(text);
  if (bytes <= max) return text;
  const note = (omitted: number) => `\n[output truncated: ${omitted} more bytes not shown${options.hint ? `; ${options.hint}` : ''}]`;
  // The note with the largest number it can carry, so the real one always fits.
  const budget = Math.max(0, max - Buffer.byteLength(note(bytes)));
  let cut = Buffer.from(text).subarray(0, budget).toString('utf8').replace(/\uFFFD$/, '');
  if (options.atLineBreak) {
    const nl = cut.lastIndexOf('\n');
    if (nl > 0) cut = cut.slice(0, nl);
  }
  return cut + note(bytes - Buffer.byteLength(cut));
}
