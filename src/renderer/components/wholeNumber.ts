/**
 * A whole number typed by a person, checked against its range: the number, or a sentence that
 * says what is allowed (shown next to the field). Digit group separators ("10,000", "10 000")
 * are accepted.
 */
export function wholeNumber(text: string, min: number, max: number): { value: number; error: null } | { value: null; error: string } {
  const range = `a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`;
  const plain = text.trim().replace(/[,\s_]/g, '');
  if (plain === '') return { value: null, error: `Enter ${range}.` };
  if (!/^\d+$/.test(plain)) return { value: null, error: `“${text.trim().slice(0, 20)}” is not a whole number: enter ${range}.` };
  const value = Number(plain);
  if (value < min) return { value: null, error: `${value.toLocaleString('en-US')} is too small: enter ${range}.` };
  if (value > max) return { value: null, error: `${Number.isSafeInteger(value) ? value.toLocaleString('en-US') : plain.slice(0, 20)} is too large: enter ${range}.` };
  return { value, error: null };
}
