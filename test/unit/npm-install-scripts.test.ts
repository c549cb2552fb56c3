import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };

/** Every installed package (nested ones too) whose package.json has an install-time script. */
function packagesWithInstallScripts(dir = join(ROOT, 'node_modules'), found = new Set<string>()): Set<string> {
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (entry.startsWith('@')) {
      packagesWithInstallScripts(path, found);
      continue;
    }
    const manifest = join(path, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, scripts = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; scripts?: Record<string, string> };
    if (['preinstall', 'install', 'postinstall'].some((s) => s in scripts)) found.add(name);
    packagesWithInstallScripts(join(path, 'node_modules'), found);
  }
  return found;
}

describe("npm's install-script policy (allowScripts)", () => {
  it('lets keytar build and decides every other install script', () => {
    const allow = pkg.allowScripts ?? {};
    expect(allow.keytar).toBe(true);
    const installed = packagesWithInstallScripts();
    expect(installed.has('keytar')).toBe(true);
    expect([...installed].filter((name) => !(name in allow))).toEqual([]);
  });

  it('leaves nothing for npm to warn about, where npm has the command', () => {
    const run = spawnSync('npm', ['install-scripts', 'ls'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    // npm before 11.19 has no install-scripts command (and no allowScripts policy to satisfy).
    if (run.status !== 0 && /Unknown command/i.test(run.stderr + run.stdout)) return;
    expect(run.stdout + run.stderr).toMatch(/No packages with unreviewed install scripts/);
    expect(run.status).toBe(0);
  });
});
