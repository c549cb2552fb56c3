/**
 * The Fly.io provider: the 60 flyctl tools of `fly mcp server`, run through the user's flyctl
 * with the token from the keychain (or flyctl's own login).
 */
import type { Provider, ProviderContext, ProviderFactory } from '../provider.js';
import { lazyAccount } from '../lazy-account.js';
import { accountContext, DEFAULT_ACCOUNT } from '../../accounts/scope.js';
import { defineTool, type AnyToolSpec } from '../../tools/catalogue.js';
import { FlyctlLearner } from './capabilities.js';
import { executeFlyTool } from './execute.js';
import { FlyRuntime } from './runtime.js';
import { flyStatus } from './status.js';
import { chooseFlyTools, helpNeeded, toolsSummary, type FlyToolChoice } from './toolset.js';
import { DEFAULT_TIMEOUT_MS, FLY_TOOLS, type FlyToolDef } from './tools.js';

export { FLY_TOKEN_ACCOUNT } from './runtime.js';
export { FLY_TOOLS } from './tools.js';

export const FLY_PROVIDER_ID = 'fly';

export const createFlyProvider: ProviderFactory = (ctx: ProviderContext) => {
  // What the flyctl in use supports (one binary for every account): its version decides the tools.
  const learner = new FlyctlLearner({
    dataDir: ctx.dataDir,
    env: ctx.env,
    log: ctx.log,
    workdir: () => runtime(DEFAULT_ACCOUNT).workdir(),
    helpFor: (version) => helpNeeded(version, FLY_TOOLS),
  });
  const versionOf = async (binary: string) => (await learner.learn(binary))?.version ?? null;
  // One runtime per account: its token (the keychain entry of that account) and caches.
  const runtimes = new Map<string, FlyRuntime>();
  const runtime = (account: string): FlyRuntime => {
    let rt = runtimes.get(account);
    if (!rt) {
      rt = new FlyRuntime(accountContext(ctx, account), account, { versionOf });
      runtimes.set(account, rt);
    }
    return rt;
  };
  const tools = flyToolsFollowing(learner, (choice) => withChoice(toSpec(runtime, choice.def), choice));
  // Looking at the binary (a stat; settings read to locate it) at most this often, unless asked afresh.
  let looked = 0;
  let looking: Promise<void> | null = null;
  let again: Promise<void> | null = null;
  const prepareTools = async ({ maxAgeMs = 0 }: { maxAgeMs?: number } = {}): Promise<void> => {
    // A fresh look asked for during one already under way (the path changed meanwhile) follows it.
    if (looking) return maxAgeMs > 0 ? looking : (again ??= looking.then(() => ((again = null), prepareTools())));
    if (maxAgeMs > 0 && Date.now() - looked < maxAgeMs) return;
    looked = Date.now();
    looking = runtime(DEFAULT_ACCOUNT)
      .locate()
      .then((found) => learner.learn(found.path))
      .then(
        () => undefined,
        (err: unknown) => void ctx.log.warn({ err: (err as Error).message }, 'fly: could not look at flyctl; its tools stay as they were'),
      )
      .finally(() => (looking = null));
    return looking;
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
      tools: () => tools.specs(),
      prepareTools,
      onToolsChange: tools.onChange,
      status: () => flyStatus(rt, () => tools.summary()),
      // A sign-in or sign-out takes effect on the very next call, not after the token cache expires;
      // the next look at flyctl (another path in Settings) is a fresh one.
      reload: () => {
        rt.invalidate();
        looked = 0;
      },
      account: (deps) => lazyAccount(async () => (await import('./account.js')).flyAccount(actx, one, deps)),
      forAccount: view,
    };
    views.set(account, one);
    return one;
  };
  return view(DEFAULT_ACCOUNT);
};

/**
 * The Fly tools as the flyctl in use has them (toolset.ts), rebuilt when what is known of it
 * changes. A tool whose choice did not change keeps its spec object: the catalogue and the
 * sessions' schemas change only where flyctl did.
 */
function flyToolsFollowing(learner: FlyctlLearner, make: (choice: FlyToolChoice) => AnyToolSpec) {
  const made = new Map<string, { key: string; spec: AnyToolSpec }>();
  const listeners = new Set<() => void>();
  let choices = chooseFlyTools(FLY_TOOLS, learner.current());
  const build = (): AnyToolSpec[] =>
    choices.map((choice) => {
      const key = choiceKey(choice);
      const known = made.get(choice.def.name);
      if (known?.key === key) return known.spec;
      const spec = make(choice);
      made.set(choice.def.name, { key, spec });
      return spec;
    });
  let specs = build();
  learner.onChange((facts) => {
    choices = chooseFlyTools(FLY_TOOLS, facts);
    const next = build();
    if (next.every((spec, i) => spec === specs[i])) return;
    specs = next;
    for (const listener of listeners) listener();
  });
  return {
    specs: () => specs,
    summary: () => toolsSummary(choices, learner.current()),
    onChange: (listener: () => void) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

function choiceKey(choice: FlyToolChoice): string {
  const added = choice.changes.added.map((name) => [name, (choice.def.input[name] as { description?: string } | undefined)?.description ?? '']);
  return JSON.stringify([choice.unavailable ?? null, choice.unsupportedArgs ?? {}, choice.changes.removed, added]);
}

/** A tool this flyctl lacks answers with its one line and runs nothing; the others carry their argument notes. */
function withChoice(spec: AnyToolSpec, choice: FlyToolChoice): AnyToolSpec {
  const notes = choice.unsupportedArgs && Object.keys(choice.unsupportedArgs).length ? { unsupportedArgs: choice.unsupportedArgs } : {};
  if (!choice.unavailable) return { ...spec, ...notes };
  const line = choice.unavailable;
  return { ...spec, ...notes, unavailable: line, run: async () => ({ text: line, isError: true }) };
}

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

