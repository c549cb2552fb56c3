import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../src/main/host/activity/redact.js';

describe('Redactor', () => {
  it('redacts values under secret-looking keys, at any depth', () => {
    const r = new Redactor();
    const out = r.value({
      app: 'web',
      token: 'abc',
      nested: { apiKey: 'k', Authorization: 'Bearer x', list: [{ password: 'p' }] },
      client_secret: 'cs',
      refresh_token: 'rt',
    });
    expect(out).toEqual({
      app: 'web',
      token: REDACTED,
      nested: { apiKey: REDACTED, Authorization: REDACTED, list: [{ password: REDACTED }] },
      client_secret: REDACTED,
      refresh_token: REDACTED,
    });
  });

  it('keeps the keys of a secret map so the record says which were set', () => {
    const r = new Redactor();
    expect(r.args({ app: 'web', secrets: { A: '1', B: '2' } }, ['secrets'])).toEqual({ app: 'web', secrets: { A: REDACTED, B: REDACTED } });
    expect(r.args({ keys: ['A', 'B'] }, ['keys'])).toEqual({ keys: [REDACTED, REDACTED] });
  });

  it('leaves booleans and nulls under secret-ish keys readable', () => {
    const r = new Redactor();
    expect(r.value({ has_token: true, token: null })).toEqual({ has_token: true, token: null });
  });

  it('scrubs known secrets from free text, longest first, with regex characters escaped', () => {
    const r = new Redactor();
    r.addSecret('abc.def+ghi');
    r.addSecret('abc.def+ghi-and-more');
    expect(r.text('x abc.def+ghi-and-more y abc.def+ghi z abcXdef+ghi')).toBe(`x ${REDACTED} y ${REDACTED} z abcXdef+ghi`);
    expect(r.value({ note: 'contains abc.def+ghi' })).toEqual({ note: `contains ${REDACTED}` });
  });

  it('ignores secrets too short to scrub safely', () => {
    const r = new Redactor();
    r.addSecret('abc');
    expect(r.text('abc')).toBe('abc');
  });
});

describe('Redactor memory', () => {
  it('keeps keychain secrets for good but only the newest argument secrets', async () => {
    const { TRANSIENT_SECRETS } = await import('../../src/main/host/activity/redact.js');
    const r = new Redactor();
    r.addSecret('keychain-value-1');
    for (let i = 0; i < TRANSIENT_SECRETS + 10; i++) r.addSecret(`argument-secret-${i}`, { transient: true });
    expect(r.text('keychain-value-1')).toBe(REDACTED);
    expect(r.text(`argument-secret-${TRANSIENT_SECRETS + 9}`)).toBe(REDACTED);
    // The oldest argument secrets were forgotten: the set does not grow with every call.
    expect(r.text('argument-secret-0 ')).toBe('argument-secret-0 ');
  });

  it('a transient value seen again counts as new, and a keychain value is never forgotten', () => {
    const r = new Redactor();
    r.addSecret('shared-value-xyz', { transient: true });
    r.addSecret('shared-value-xyz');
    for (let i = 0; i < 300; i++) r.addSecret(`filler-secret-${i}`, { transient: true });
    expect(r.text('shared-value-xyz')).toBe(REDACTED);
  });
});
