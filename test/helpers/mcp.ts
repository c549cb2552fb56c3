/** The first text block of a tools/call result (whatever shape the SDK typed it as). */
export function resultText(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content;
  return content?.find((c) => c.type === 'text')?.text ?? '';
}
