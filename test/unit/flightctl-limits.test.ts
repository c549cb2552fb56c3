import { describe, expect, it } from 'vitest';
import { capText, MAX_TEXT_BYTES } from '../../src/main/host/tools/text.js';

describe('capText (shared by the Flight Control and Fly providers)', () => {
  it('leaves text within the limit alone', () => {
    expect(capText('short')).toBe('short');
    expect(capText('x'.repeat(MAX_TEXT_BYTES))).toHaveLength(MAX_TEXT_BYTES);
  });

  it('cuts to the byte limit, note included, and says how much is missing and how to ask for less', () => {
    const text = 'abcdefghij'.repeat(20);
    const out = capText(text, { maxBytes: 120, hint: 'narrow it' });
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(120);
    const m = /^(a[a-j]*)\n\[output truncated: (\d+) more bytes not shown; narrow it\]$/.exec(out);
    expect(m).not.toBeNull();
    expect(m![1]!.length + Number(m![2])).toBe(text.length);
  });

  it('never splits a character, and can cut after the last whole line', () => {
    const out = capText('ü'.repeat(100), { maxBytes: 101 });
    expect(out).not.toContain('\uFFFD');
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(101);

    const lines = Array.from({ length: 50 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const cut = capText(lines, { maxBytes: 300, atLineBreak: true });
    const kept = cut.slice(0, cut.indexOf('\n[output truncated'));
    expect(lines.startsWith(`${kept}\n`)).toBe(true);
  });
});
