/** The views bundle (vite.views.config.ts): its script and style sheet, inlined into each view's page. */
declare module 'virtual:tarmac-views' {
  export const script: string;
  export const style: string;
}
