/**
 * The look of every page the authorization server shows (consent and errors), in one place.
 * The custom properties at the top are the ones to align with the desktop window's theme.
 * Served as a stylesheet from this origin: the pages' CSP allows no inline style or script.
 */
export const CONSENT_CSS = `
:root {
  color-scheme: light dark;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  --bg: #f4f5f7;
  --card: #ffffff;
  --text: #1c1f24;
  --muted: #5d6470;
  --border: #e2e5ea;
  --code-bg: #f0f2f5;
  --accent: #3b5bdb;
  --accent-hover: #3451c7;
  --accent-text: #ffffff;
  --secondary-bg: transparent;
  --secondary-hover: #eef0f4;
  --warn-bg: #fff8e6;
  --warn-border: #f2d58a;
  --warn-text: #6b4e00;
  --focus: #91a7ff;
  --radius: 14px;
  --shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 8px 24px rgb(16 24 40 / 8%);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #121417;
    --card: #1b1e23;
    --text: #e7e9ed;
    --muted: #9aa1ad;
    --border: #2c3038;
    --code-bg: #252932;
    --accent: #5c7cfa;
    --accent-hover: #748ffc;
    --accent-text: #0d1021;
    --secondary-hover: #262a31;
    --warn-bg: #2a2414;
    --warn-border: #5c4a1a;
    --warn-text: #f1d48a;
    --focus: #748ffc;
    --shadow: 0 1px 2px rgb(0 0 0 / 40%), 0 8px 24px rgb(0 0 0 / 35%);
  }
}
* { box-sizing: border-box; }
html, body { margin: 0; }
body {
  min-height: 100vh;
  display: grid;
  place-items: center;
  padding: 24px;
  background: var(--bg);
  color: var(--text);
  font: 15px/1.5 var(--font);
  -webkit-font-smoothing: antialiased;
}
.card {
  width: 100%;
  max-width: 480px;
  background: var(--card);
  border: 1px solid var(--border);
  border-radius: var(--radius);
  box-shadow: var(--shadow);
  padding: 28px 28px 24px;
}
.brand { display: flex; align-items: center; gap: 8px; color: var(--muted); font-size: 13px; font-weight: 600; letter-spacing: 0.02em; }
.brand svg { width: 20px; height: 20px; color: var(--accent); }
h1 { font-size: 20px; line-height: 1.3; font-weight: 650; margin: 16px 0 6px; overflow-wrap: anywhere; }
.lead { margin: 0 0 20px; color: var(--muted); }
.facts { margin: 0 0 20px; border-top: 1px solid var(--border); }
.facts div { display: grid; grid-template-columns: 128px 1fr; gap: 12px; padding: 10px 0; border-bottom: 1px solid var(--border); }
.facts dt { color: var(--muted); font-size: 13px; padding-top: 1px; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.muted { color: var(--muted); font-size: 13px; }
code { font: 13px var(--mono); background: var(--code-bg); border-radius: 6px; padding: 1px 6px; }
.note { margin: 0 0 24px; padding: 10px 12px; border: 1px solid var(--warn-border); background: var(--warn-bg); color: var(--warn-text); border-radius: 10px; font-size: 13px; }
.actions { display: flex; justify-content: flex-end; gap: 10px; margin: 0; }
button {
  font: inherit;
  font-weight: 600;
  min-width: 96px;
  padding: 9px 18px;
  border-radius: 10px;
  border: 1px solid transparent;
  cursor: pointer;
}
button:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.primary { background: var(--accent); color: var(--accent-text); }
.primary:hover { background: var(--accent-hover); }
.secondary { background: var(--secondary-bg); color: var(--text); border-color: var(--border); }
.secondary:hover { background: var(--secondary-hover); }
@media (max-width: 420px) {
  .facts div { grid-template-columns: 1fr; gap: 2px; }
  .actions { flex-direction: column-reverse; }
  button { width: 100%; }
}
`;
