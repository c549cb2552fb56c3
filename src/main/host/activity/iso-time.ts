/** The last second formatted, as `YYYY-MM-DDTHH:MM:SS.`: calls in the same second share it. */
let second = Number.NaN;
let prefix = '';

/** Past 9999-12-31 toISOString writes a six-digit, signed year: those go to it directly. */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;

/**
 * `new Date(ms).toISOString()`, with the date and time up to the second formatted once per
 * second: every recorded call stamps its start, and a Date plus a full format per call was
 * among the larger of the small costs of recording one (bench:mcp's profile).
 */
export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > LAST_FOUR_DIGIT_YEAR_MS) return new Date(ms).toISOString();
  const s = Math.floor(ms / 1000);
  if (s !== second) {
    prefix = new Date(s * 1000).toISOString().slice(0, 20);
    second = s;
  }
  const milli = ms - s * 1000;
  return `${prefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}
