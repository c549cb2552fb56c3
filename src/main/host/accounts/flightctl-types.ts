/** Flight Control sign-in facts the host's flows pass around (the UI sees them as SignInOptions). */

/** One way to sign in to a Flight Control server, from its /api/v1/auth/config. */
export interface FlightctlAuthProvider {
  name: string;
  /** oidc | oauth2 | k8s | aap | openshift ... as the server names it. */
  type: string;
  displayName: string | null;
  /** Which sign-in methods Tarmac can offer for it. */
  methods: Array<'browser' | 'password' | 'token'>;
}

export interface FlightctlAuthInfo {
  apiUrl: string;
  /** false when the server answered 418: no sign-in needed. */
  authEnabled: boolean;
  providers: FlightctlAuthProvider[];
  defaultProvider: string | null;
  organizationsEnabled: boolean | null;
}

export interface FlightctlConnection {
  apiUrl: string;
  insecureSkipVerify?: boolean;
  caCertPath?: string;
}

export interface FlightctlOrganization {
  id: string;
  displayName: string | null;
}
