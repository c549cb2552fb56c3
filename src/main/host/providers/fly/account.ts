/** Fly.io's sign-in as the window shows it: the browser through flyctl, or a pasted token. */
import type { SignInOptions } from '../../../../shared/api.js';
import { FlyAccounts } from '../../accounts/fly.js';
import { SignInError } from '../../accounts/errors.js';
import { secret, unknownMethod } from '../../accounts/input.js';
import type { AccountDeps, Provider, ProviderAccount, ProviderContext } from '../provider.js';

const OPTIONS: SignInOptions = {
  connect: null,
  notes: [],
  methods: [
    {
      id: 'browser',
      label: 'Sign in with the browser',
      description: 'flyctl opens fly.io in your browser. When you finish there, Tarmac keeps the token flyctl saved, in your keychain.',
      fields: [],
      submitLabel: 'Sign in with browser',
      waitsForBrowser: true,
    },
    {
      id: 'token',
      label: 'Paste a token',
      description: 'A personal, organization or read-only token (fly tokens create readonly). Tarmac checks it with Fly.io before it stores it in your keychain.',
      fields: [{ name: 'token', label: 'Fly.io token', kind: 'secret', required: true, placeholder: 'FlyV1 fm2_…', autocomplete: 'off' }],
      submitLabel: 'Verify and save',
      waitsForBrowser: false,
    },
  ],
};

export function flyAccount(ctx: ProviderContext, provider: Provider, deps: AccountDeps): ProviderAccount {
  const accounts = new FlyAccounts({ ctx, provider });
  return {
    signInOptions: async () => OPTIONS,
    async signIn(method, input, signal) {
      switch (method) {
        case 'browser':
          return accounts.signInWithBrowser(signal, {
            // Said once flyctl was found: a missing flyctl fails first, without promising a browser.
            onLaunch: () => deps.emit({ kind: 'waiting', provider: provider.id, message: 'Finish signing in to Fly.io in the browser window flyctl opened.' }),
            onUrl: (url) => deps.emit({ kind: 'browser-opened', provider: provider.id, url }),
          });
        case 'token':
          return accounts.signInWithToken(secret(input, 'token', 'The Fly.io token'));
        default:
          throw unknownMethod('Fly.io', method);
      }
    },
    signOut: () => accounts.signOut(),
    async choices(signal) {
      const orgs = await accounts.organizations(signal);
      return [
        {
          id: 'organizations',
          label: 'Organizations',
          current: null,
          readOnly: true,
          help: 'The organizations this account belongs to. flyctl takes one per command: tools that create or list things by organization ask for its slug.',
          options: orgs.map((o) => ({ value: o.slug, label: o.name })),
        },
      ];
    },
    async choose(choice) {
      throw new SignInError('input', choice === 'organizations' ? 'Fly.io organizations are not chosen in Tarmac: tools that need one take its slug.' : `Fly.io has no setting "${choice}" to choose.`);
    },
  };
}
