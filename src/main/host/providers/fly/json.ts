/** Reading flyctl's JSON output. */

/**
 * JSON from flyctl's stdout. Usually the whole output; when flyctl adds text lines around it
 * (D16), the JSON block is found by its first line starting with { or [.
 */
export function extractJson(stdout: string): { data: unknown; extra: string[] } | null {
  const trimmed = stdout.trim();
  if (!trimmed) return null;
  try {
    return { data: JSON.parse(trimmed), extra: [] };
  } catch {
    // fall through to the line search
  }
  const lines = trimmed.split('\n');
  const start = lines.findIndex((l) => /^\s*[[{]/.test(l));
  if (start < 0) return null;
  // Only a few candidate ends: each try parses the whole block, and output can be megabytes.
  let tries = 0;
  for (let end = lines.length; end > start && tries < 8; end--) {
    if (!/[\]}]\s*$/.test(lines[end - 1]!)) continue;
    tries++;
    try {
      const data: unknown = JSON.parse(lines.slice(start, end).join('\n'));
      const extra = [...lines.slice(0, start), ...lines.slice(end)].map((l) => l.trim()).filter(Boolean);
      return { data, extra };
    } catch {
      // try a shorter block
    }
  }
  return null;
}
