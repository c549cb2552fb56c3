/**
 * The Fly.io provider: the 60 flyctl tools of `fly mcp server`, run through the user's flyctl
 * with the token from the keychain (or flyctl's own login).
 */
import type { Provider, ProviderContext, ProviderFactory } from '../provider.js';
import { lazyAccount } from '../lazy-account.js';
import { accountContext, DEFAULT_ACCOUNT } from '../../accounts/scope.js';
import { defineTool, type AnyToolSpec } from '../../tools/catalogue.js';
import { executeFlyTool } from './execute.js';
import { FlyRuntime } from './runtime.js';
import { flyStatus } from './status.js';
import { DEFAULT_TIMEOUT_MS, FLY_TOOLS, type FlyToolDef } from './tools.js';

export { FLY_TOKEN_ACCOUNT } from './runtime.js';
export { FLY_TOOLS } from './tools.js';

export const FLY_PROVIDER_ID = 'fly';

export const createFlyProvider: ProviderFactory = (ctx: ProviderContext) => {
  // One runtime per account: its token (the keychain entry of that account) and caches.
  const runtimes = new Map<string, FlyRuntime>();
  const runtime = (account: string): FlyRuntime => {
    let rt = runtimes.get(account);
    if (!rt) {
      rt = new FlyRuntime(accountContext(ctx, account), account);
      runtimes.set(account, rt);
    }
    return rt;
  };
  const views = new Map<string, Provider>();
  const view = (account: string): Provider => {
    const known = views.get(account);
    if (known) return known;
    const rt = runtime(account);
    const actx = accountContext(ctx, account);
    const one: Provider = {
      id: FLY_PROVIDER_ID,
      label: 'Fly.io',
      tools: () => specs,
      status: () => flyStatus(rt),
      // A sign-in or sign-out takes effect on the very next call, not after the token cache expires.
      reload: () => rt.invalidate(),
      account: (deps) => lazyAccount(async () => (await import('./account.js')).flyAccount(actx, one, deps)),
      forAccount: view,
    };
    views.set(account, one);
    return one;
  };
  const specs = FLY_TOOLS.map((def) => toSpec(runtime, def));
  return view(DEFAULT_ACCOUNT);
};

function toSpec(runtime: (account: string) => FlyRuntime, def: FlyToolDef): AnyToolSpec {
  return defineTool({
    name: def.name,
    provider: FLY_PROVIDER_ID,
    title: def.title,
    description: def.description,
    class: def.class,
    input: def.input,
    ...(def.output ? { output: def.output } : {}),
    ...(def.secretArgs ? { secretArgs: def.secretArgs } : {}),
    ...(def.redactArgs ? { redactArgs: def.redactArgs } : {}),
    timeoutMs: def.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    run: (args, toolCtx) => executeFlyTool(runtime(toolCtx.account ?? DEFAULT_ACCOUNT), def, args as Record<string, unknown>, toolCtx),
  });
}

