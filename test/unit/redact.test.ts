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
