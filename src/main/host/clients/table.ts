import { amazonQ } from './defs/amazon-q.js';
import { amp } from './defs/amp.js';
import { antigravity } from './defs/antigravity.js';
import { claudeCode } from './defs/claude-code.js';
import { claudeDesktop } from './defs/claude-desktop.js';
import { cline } from './defs/cline.js';
import { clineCli } from './defs/cline-cli.js';
import { codex } from './defs/codex.js';
import { continueDev } from './defs/continue.js';
import { copilotCli } from './defs/copilot-cli.js';
import { crush } from './defs/crush.js';
import { cursor } from './defs/cursor.js';
import { geminiCli } from './defs/gemini-cli.js';
import { goose } from './defs/goose.js';
import { kiloCode } from './defs/kilo-code.js';
import { kiro } from './defs/kiro.js';
import { lmStudio } from './defs/lm-studio.js';
import { opencode } from './defs/opencode.js';
import { qwenCode } from './defs/qwen-code.js';
import { rooCode } from './defs/roo-code.js';
import { vscode } from './defs/vscode.js';
import { vscodeInsiders } from './defs/vscode-insiders.js';
import { windsurf } from './defs/windsurf.js';
import { windsurfJetbrains } from './defs/windsurf-jetbrains.js';
import { zed } from './defs/zed.js';
import type { ClientDef } from './types.js';

/** Every client Tarmac can register itself in, in the order the CLI and the window list them. */
export const CLIENTS: readonly ClientDef[] = [
  claudeDesktop,
  claudeCode,
  cursor,
  vscode,
  vscodeInsiders,
  windsurf,
  windsurfJetbrains,
  zed,
  geminiCli,
  codex,
  cline,
  clineCli,
  rooCode,
  kiloCode,
  continueDev,
  lmStudio,
  copilotCli,
  opencode,
  goose,
  qwenCode,
  kiro,
  antigravity,
  amazonQ,
  amp,
  crush,
];

export function clientDef(id: string): ClientDef | undefined {
  return CLIENTS.find((c) => c.id === id);
}
