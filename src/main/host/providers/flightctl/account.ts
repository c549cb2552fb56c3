/**
 * Flight Control's sign-in as the window shows it: the server first (with its trust settings),
 * then the methods its /auth/config offers, plus importing flightctl's own client.yaml; once
 * signed in, the organization to work in.
 */
import { access } from 'node:fs/promises';
import type { SignInField, SignInInput, SignInMethod } from '../../../../shared/api.js';
import { createFlightctlAccounts, normaliseApiUrl } from '../../accounts/flightctl.js';
import type { FlightctlAuthInfo, FlightctlConnection } from '../../accounts/flightctl-types.js';
import { SignInError } from '../../accounts/errors.js';
import { flag, port, required, secret, text, unknownMethod } from '../../accounts/input.js';
import type { AccountDeps, ProviderAccount, ProviderContext } from '../provider.js';
import type { FlightctlAccountsProvider } from '../../accounts/flightctl.js';
import { clientYamlPaths } from './config.js';

const SKIP_VERIFY_WARNING = 'Only for a test server: without certificate checks anyone on the network path can read your Flight Control token. Prefer adding the server\u2019s CA file.';

export function flightctlAccount(ctx: ProviderContext, provider: FlightctlAccountsProvider & { id: string }, deps: AccountDeps): ProviderAccount {
  const accounts = createFlightctlAccounts({ ctx, provider, openBrowser: deps.openBrowser, onEvent: (e) => deps.emit(e) });

  const connectFields = async (input: SignInInput): Promise<SignInField[]> => {
    const saved = (await ctx.settings.read()).flightctl;
    return [
      { name: 'apiUrl', label: 'Server URL', kind: 'url', required: true, placeholder: 'https://api.flightctl.example.com', autocomplete: 'url', value: text(input, 'apiUrl') ?? saved?.apiUrl ?? '' },
      { name: 'caCertPath', label: 'CA certificate file', kind: 'path', help: 'A PEM file, when the server\u2019s certificate is signed by your own CA.', value: text(input, 'caCertPath') ?? saved?.caCertPath ?? '' },
      { name: 'insecureSkipVerify', label: 'Skip TLS certificate checks', kind: 'boolean', warning: SKIP_VERIFY_WARNING, value: flag(input, 'insecureSkipVerify') || (saved?.insecureSkipVerify ?? false) },
    ];
  };

  const importMethod = async (): Promise<SignInMethod> => {
    const found = await firstExisting(clientYamlPaths(ctx.env));
    return {
      id: 'import',
      label: 'Import flightctl\u2019s login',
      description: found
        ? `Take over the login of the flightctl CLI from ${found}. The file is only read.`
        : `No flightctl client.yaml was found (looked in ${clientYamlPaths(ctx.env).join(' and ')}). Run \`flightctl login\` first, or give the file\u2019s path.`,
      fields: [{ name: 'path', label: 'client.yaml', kind: 'path', required: !found, value: found ?? '', placeholder: '~/.config/flightctl/client.yaml' }],
      submitLabel: 'Import',
      waitsForBrowser: false,
      secondary: true,
    };
  };

  return {
    async signInOptions(input, signal) {
      const connect = await connectFields(input);
      const imported = await importMethod();
      if (!text(input, 'apiUrl')) return { connect, methods: [imported], notes: [] };
      const info = await accounts.flightctlAuthInfo(connection(input), signal ? { signal } : {});
      return { connect, methods: [...methodsOf(info), imported], notes: notesOf(info) };
    },

    async signIn(method, input, signal) {
      switch (method) {
        case 'browser':
          return accounts.signInFlightctlBrowser(
            { ...connection(input), ...optional('provider', text(input, 'provider')), ...optional('callbackPort', port(input, 'callbackPort', 'The callback port')) },
            { signal },
          );
        case 'password':
          return accounts.signInFlightctlPassword(
            { ...connection(input), ...optional('provider', text(input, 'provider')), username: required(input, 'username', 'The username'), password: secret(input, 'password', 'The password') },
            { signal },
          );
        case 'token':
          return accounts.signInFlightctlToken({ ...connection(input), token: secret(input, 'token', 'The token') }, { signal });
        case 'import':
          return accounts.importFlightctlConfig(text(input, 'path'), { signal });
        case 'none': {
          // Authentication is off on this server: only its address and trust are kept.
          const conn = connection(input);
          const info = await accounts.flightctlAuthInfo(conn, { signal });
          if (info.authEnabled) throw new SignInError('unsupported', `${conn.apiUrl} asks for sign-in; choose one of its sign-in methods.`);
          await ctx.settings.update((s) => ({
            ...s,
            flightctl: { apiUrl: conn.apiUrl, ...(conn.caCertPath ? { caCertPath: conn.caCertPath } : {}), ...(conn.insecureSkipVerify ? { insecureSkipVerify: true } : {}) },
          }));
          provider.reload();
          return provider.status();
        }
        default:
          throw unknownMethod('Flight Control', method);
      }
    },

    signOut: () => accounts.signOut(),

    async choices(signal) {
      const status = await provider.status();
      if (status.state !== 'ready') return [];
      const orgs = await accounts.listFlightctlOrganizations(signal ? { signal } : {});
      if (!orgs.length) return [];
      return [
        {
          id: 'organization',
          label: 'Organization',
          current: status.details.organization ?? null,
          options: orgs.map((o) => ({ value: o.id, label: o.displayName ? `${o.displayName} (${o.id})` : o.id })),
        },
      ];
    },

    async choose(choice, value, signal) {
      if (choice !== 'organization') throw new SignInError('input', `Flight Control has no setting "${choice}" to choose.`);
      return accounts.chooseFlightctlOrganization(value, signal ? { signal } : {});
    },
  };
}

function connection(input: SignInInput): FlightctlConnection {
  const caCertPath = text(input, 'caCertPath');
  return {
    apiUrl: normaliseApiUrl(required(input, 'apiUrl', 'The server URL')),
    ...(caCertPath ? { caCertPath } : {}),
    ...(flag(input, 'insecureSkipVerify') ? { insecureSkipVerify: true } : {}),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function methodsOf(info: FlightctlAuthInfo): SignInMethod[] {
  if (!info.authEnabled) {
    return [{ id: 'none', label: 'Connect', description: `${info.apiUrl} has authentication off: Tarmac only needs its address.`, fields: [], submitLabel: 'Connect', waitsForBrowser: false }];
  }
  const providerField = (method: 'browser' | 'password'): SignInField[] => {
    const able = info.providers.filter((p) => p.methods.includes(method));
    if (able.length <= 1) return [];
    return [
      {
        name: 'provider',
        label: 'Identity provider',
        kind: 'select',
        options: able.map((p) => ({ value: p.name, label: p.displayName ?? p.name })),
        value: able.some((p) => p.name === info.defaultProvider) ? (info.defaultProvider ?? '') : (able[0]?.name ?? ''),
      },
    ];
  };
  const offers = (m: 'browser' | 'password' | 'token') => info.providers.some((p) => p.methods.includes(m));
  const methods: SignInMethod[] = [];
  if (offers('browser')) {
    methods.push({
      id: 'browser',
      label: 'Sign in with the browser',
      description: 'Your identity provider\u2019s page opens in the browser; Tarmac waits for it on localhost and keeps the tokens in your keychain.',
      fields: [...providerField('browser'), { name: 'callbackPort', label: 'Callback port', kind: 'text', placeholder: '8080', help: 'The localhost port your identity provider redirects to (8080 unless your administrator set another).' }],
      submitLabel: 'Sign in with browser',
      waitsForBrowser: true,
    });
  }
  if (offers('password')) {
    methods.push({
      id: 'password',
      label: 'Username and password',
      description: 'Only where your identity provider allows the password grant.',
      fields: [
        ...providerField('password'),
        { name: 'username', label: 'Username', kind: 'text', required: true, autocomplete: 'username' },
        { name: 'password', label: 'Password', kind: 'secret', required: true, autocomplete: 'current-password' },
      ],
      submitLabel: 'Sign in',
      waitsForBrowser: false,
    });
  }
  methods.push({
    id: 'token',
    label: 'Paste a token',
    description: 'A bearer token (for example `oc whoami -t` on OpenShift). Tarmac checks it with the server before it stores it in your keychain.',
    fields: [{ name: 'token', label: 'Token', kind: 'secret', required: true, autocomplete: 'off' }],
    submitLabel: 'Verify and save',
    waitsForBrowser: false,
  });
  return methods;
}

function notesOf(info: FlightctlAuthInfo): string[] {
  if (!info.authEnabled) return [`${info.apiUrl} has authentication off.`];
  const names = info.providers.map((p) => p.displayName ?? p.name).join(', ');
  return names ? [`${info.apiUrl} signs in with ${names}.`] : [];
}

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const p of paths) {
    try {
      await access(p);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}
