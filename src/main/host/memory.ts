/**
 * V8's young generation ("semi-space") grows to 32 MiB per half under load on Node 24, and a
 * long-running endpoint keeps that high-water mark resident. Capping it costs little throughput
 * (bench:mcp sweeps the sizes and prints which one to ship). The flag only works when V8 starts
 * with it: bin/tarmac.js passes it in its shebang line, Electron through `js-flags`. 4 MiB: the
 * smallest cap that kept >= 0.9x of uncapped throughput in every sweep (README, Performance).
 */
export const SEMI_SPACE_MIB = 4;

export const V8_MEMORY_FLAGS = `--max-semi-space-size=${SEMI_SPACE_MIB}`;

/**
 * glibc gives each thread that allocates its own malloc arena (up to 8 per core): libuv's pool
 * threads writing the activity file and the log, V8's helper threads. Under a steady stream of
 * calls those arenas fragment, and a long-running endpoint's RSS crept up with them (measured,
 * 2025-era clients, 16 sessions: about +1 MiB per 10,000 calls, with the JS heap flat). Two arenas
 * stop the creep and start smaller. glibc reads this only when the process starts, so it goes
 * where the V8 flag goes: the `env -S` shebang of bin/tarmac.js (npm's cmd shim on Windows reads
 * the same line; other C libraries ignore the variable), and the file then drops it from the
 * environment the programs Tarmac starts inherit. Electron's main process is started by the
 * desktop, not by us: not set there.
 */
export const MALLOC_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** The first line of bin/tarmac.js: the allocator setting and the V8 flag, before Node starts. */
export const CLI_SHEBANG = `#!/usr/bin/env -S ${Object.entries(MALLOC_ENV)
  .map(([k, v]) => `${k}=${v}`)
  .join(' ')} node ${V8_MEMORY_FLAGS}`;
