// What fly-apps-list hands a client at N apps through Tarmac's MCP endpoint (structuredContent and
// text bytes), and flyctl's own JSON for scale. It uses only what older trees have too (the test
// host, the Fly provider, the fake flyctl), so the same file measures another build's baseline:
//   git archive <commit> | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/
//   cp test/bench/tools-fly-bytes.ts /tmp/base/test/bench/ && cd /tmp/base &&
//   scripts/with-keyring.sh npx tsx test/bench/tools-fly-bytes.ts 100
// and its figures go in tools-baseline.json, labelled with that commit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { createFlyProvider } from '../../src/main/host/providers/fly/index.js';
import { FAKE_FLYCTL } from '../helpers/fly.js';
import { startTestHost } from '../helpers/host.js';

export async function measureFlyAppsList(apps: number): Promise<{ structured: number; text: number; raw: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'tarmac-bench-tools-apps-'));
  const env = { PATH: process.env.PATH, HOME: dir, FAKE_FLYCTL_APPS: String(apps), FAKE_FLYCTL_LOGGED_IN: '1' };
  const t = await startTestHost({ providers: [createFlyProvider], env, settings: { flyctlPath: FAKE_FLYCTL } });
  try {
    const client = await t.connect();
    const r = await client.callTool({ name: 'fly-apps-list', arguments: {} });
    if (r.isError) throw new Error(`fly-apps-list failed: ${JSON.stringify(r.content)}`);
    const text = (r.content as Array<{ type: string; text?: string }>).filter((c) => c.type === 'text').map((c) => c.text ?? '').join('');
    const raw = await execa(FAKE_FLYCTL, ['apps', 'list', '--json'], { env, extendEnv: false, stdin: 'ignore' });
    return { structured: Buffer.byteLength(JSON.stringify(r.structuredContent ?? {})), text: Buffer.byteLength(text), raw: Buffer.byteLength(String(raw.stdout)) };
  } finally {
    await t.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 100);
  const m = await measureFlyAppsList(n);
  console.log(JSON.stringify({ [`fly-apps-list@${n}.structuredContent`]: m.structured, [`fly-apps-list@${n}.text`]: m.text, raw: m.raw }));
  process.exit(0);
}
