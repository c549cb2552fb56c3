/** The contract between the UI and the host. Both transports (Electron IPC, browser HTTP) carry exactly this. */
export interface EndpointStatus {
  state: 'starting' | 'running' | 'stopped' | 'error';
  url: string | null;
  error?: string;
  tools: number;
  sessions: number;
}

export interface TarmacApi {
  getStatus(): Promise<EndpointStatus>;
}

/** IPC channel names, one per request. */
export const IPC = {
  getStatus: 'tarmac:getStatus',
} as const;
