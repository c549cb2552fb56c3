/** What people call each back end (ids are `fly` and `flightctl` everywhere else). */
export const BACKEND_LABELS: Readonly<Record<string, string>> = { fly: 'Fly.io', flightctl: 'Flight Control' };

export function backendLabel(id: string): string {
  return BACKEND_LABELS[id] ?? id;
}
