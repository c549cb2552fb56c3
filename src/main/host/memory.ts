/**
 * V8's young generation ("semi-space") grows to 32 MiB per half under load on Node 24, and a
 * long-running endpoint keeps that high-water mark resident. Capping it costs little throughput
 * (bench:mcp sweeps the sizes and prints which one to ship). The flag only works when V8 starts
 * with it: bin/tarmac.js passes it in its shebang line, Electron through `js-flags`.
 */
export const SEMI_SPACE_MIB = 1;

export const V8_MEMORY_FLAGS = `--max-semi-space-size=${SEMI_SPACE_MIB}`;
