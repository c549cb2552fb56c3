/**
 * The platform's way to show a URL to the person signing in. The host never opens a browser
 * itself: Electron passes shell.openExternal, the headless CLI prints the URL, tests hand it to
 * Playwright. A hook that throws is not fatal: the URL is also sent as a SignInEvent so the UI
 * can show it for copying.
 */
export type OpenBrowser = (url: string) => Promise<void>;

/** Headless: print the URL (on stderr, so stdout stays for results) and open nothing. */
export function printUrl(write: (line: string) => void): OpenBrowser {
  return async (url) => {
    write(`Open this URL to sign in: ${url}`);
  };
}
