import { describe, expect, it } from 'vitest';
import { chooseOrganization, methodsFor, normaliseApiUrl } from '../../src/main/host/accounts/flightctl.js';
import { DEFAULT_CALLBACK_PORT, redirectUriFor, resolveCallbackPort } from '../../src/main/host/accounts/loopback.js';
import { parseCallbackPort } from '../../src/main/cli/login-flightctl.js';

const orgs = [
  { id: '11111111-1111-4111-8111-111111111111', displayName: 'Alpha', externalId: undefined },
  { id: '22222222-2222-4222-8222-222222222222', displayName: 'Beta', externalId: undefined },
];

describe('Flight Control sign-in helpers', () => {
  it('listens on 8080 by default, like the flightctl CLI, with a localhost redirect', () => {
    expect(DEFAULT_CALLBACK_PORT).toBe(8080);
    expect(resolveCallbackPort(undefined)).toBe(8080);
    expect(redirectUriFor(resolveCallbackPort(undefined))).toBe('http://localhost:8080/callback');
    expect(resolveCallbackPort(9123)).toBe(9123);
    expect(() => resolveCallbackPort(70000)).toThrow(/callback port must be a whole number/);
    expect(parseCallbackPort('8081')).toBe(8081);
    expect(() => parseCallbackPort('80a')).toThrow(/--callback-port must be a number/);
  });

  it('normalises the API URL the way people paste it', () => {
    expect(normaliseApiUrl('api.flightctl.example.com')).toBe('https://api.flightctl.example.com');
    expect(normaliseApiUrl(' https://api.example.com:3443/api/v1/ ')).toBe('https://api.example.com:3443');
    expect(normaliseApiUrl('http://127.0.0.1:3443/')).toBe('http://127.0.0.1:3443');
    expect(() => normaliseApiUrl('ftp://x')).toThrow(/must start with https/);
    expect(() => normaliseApiUrl('https://user:pw@x')).toThrow(/must not contain a user name or password/);
    expect(() => normaliseApiUrl('')).toThrow(/empty/);
  });

  it('offers the flightctl CLI methods per provider type', () => {
    expect(methodsFor('oidc')).toEqual(['browser', 'password', 'token']);
    expect(methodsFor('OpenShift')).toEqual(['browser', 'password', 'token']);
    expect(methodsFor('aap')).toEqual(['browser', 'token']);
    expect(methodsFor('k8s')).toEqual(['token']);
    expect(methodsFor('something-new')).toEqual(['token']);
  });

  it('chooses the organization: asked for (by id or name), else the source one if it is the user\'s, else the first', () => {
    expect(chooseOrganization(orgs, undefined, undefined, true)).toBe(orgs[0]!.id);
    expect(chooseOrganization(orgs, 'beta', undefined, true)).toBe(orgs[1]!.id);
    expect(chooseOrganization(orgs, orgs[1]!.id.toUpperCase(), undefined, true)).toBe(orgs[1]!.id);
    expect(chooseOrganization(orgs, undefined, orgs[1]!.id, true)).toBe(orgs[1]!.id);
    expect(chooseOrganization(orgs, undefined, 'not-mine', true)).toBe(orgs[0]!.id);
    expect(chooseOrganization(orgs, undefined, undefined, false)).toBeUndefined();
    expect(chooseOrganization(null, undefined, undefined, undefined)).toBeUndefined();
    expect(() => chooseOrganization(orgs, 'Gamma', undefined, true)).toThrow(/not a member of an organization "Gamma"; yours are Alpha/);
    expect(() => chooseOrganization([], undefined, undefined, true)).toThrow(/belongs to no organization/);
    expect(() => chooseOrganization(null, 'x', undefined, true)).toThrow(/has no organizations/);
  });
});
