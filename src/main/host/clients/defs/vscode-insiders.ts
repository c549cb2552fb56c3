import { vscodeLike } from './vscode.js';

// Source: as VS Code, with the "Code - Insiders" folder and the vscode-insiders: scheme
// (shared/reference/client-configs.md).
export const vscodeInsiders = vscodeLike('vscode-insiders', 'VS Code Insiders', 'Code - Insiders', 'vscode-insiders');
