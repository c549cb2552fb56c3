import type { ProviderStatus } from '../../shared/api.js';
import { KeychainUnavailableError } from '../host/secrets.js';
import { TARMAC_VERSION } from '../host/version.js';
import type { CommandContext } from './command.js';
import { makeHost } from './host.js';
import { describeTelemetry, resolveTelemetry } from '../host/telemetry/config.js';

/**
 * `tarmac status [--json]`: the providers and their sign-in state. Exits 1 when Tarmac cannot
 * work at all (no keychain: no client token can be checked, no sign-in kept), so scripts and
 * set-up checks can rely on the exit code.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const host = makeHost(ctx);
  try {
    // The keychain first: every provider's answer depends on it.
    const clients = await host.tokens.list().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    const providers = await host.status();
    const keychainProblem = clients instanceof Error ? clients.message : null;
    // What `serve` or the app would export, decided without loading the OpenTelemetry SDK.
    const telemetry = describeTelemetry(resolveTelemetry(await host.settings.read().catch(() => ({})), host.context.env));
    const code = keychainProblem ? 1 : 0;
    if (ctx.values.json) {
      io.out(
        JSON.stringify(
          {
            version: TARMAC_VERSION,
            dataDir: host.dataDir,
            ok: code === 0,
            keychain: { available: !keychainProblem, problem: keychainProblem },
            providers,
            clients: Array.isArray(clients) ? clients : null,
            telemetry,
          },
          null,
          2,
        ),
      );
      return code;
    }
    io.out(`Tarmac ${TARMAC_VERSION}  data: ${host.dataDir}`);
    // The keychain's problem is said once, at the end, not again under every provider.
    const short = (text: string) => (keychainProblem ? text.replace(keychainProblem, 'the keychain is unavailable (see below)') : text);
    for (const p of providers) printProvider(p, short, io.out);
    if (clients instanceof Error) {
      io.out(`Keychain: unavailable: ${clients.message}`);
      if (!(clients instanceof KeychainUnavailableError)) io.out(`  (${host.dataDir}/logs/tarmac.log may say more)`);
      io.err('tarmac: Tarmac cannot work without a keychain; fix it as described above, then run `tarmac status` again.');
    } else {
      io.out(`MCP clients with a token: ${clients.map((c) => c.name).join(', ') || 'none'}`);
    }
    io.out(`OpenTelemetry export: ${telemetry.state === 'on' ? telemetry.summary : `${telemetry.state}: ${telemetry.summary}`}`);
    return code;
  } finally {
    await host.stop();
  }
}

function printProvider(p: ProviderStatus, short: (text: string) => string, out: (line: string) => void): void {
  const summary = short(p.summary);
  out(`${p.label}: ${p.state}: ${summary}`);
  for (const [k, v] of Object.entries(p.details)) out(`  ${k}: ${v ?? '-'}`);
  const seen = new Set([summary]);
  for (const w of p.warnings.map(short)) {
    // A warning that only repeats the summary (or another warning) adds nothing.
    if (seen.has(w) || summary.endsWith(w)) continue;
    seen.add(w);
    out(`  warning: ${w}`);
  }
}
