/** The MCP endpoint's default port: 8276 spells TARM on a phone keypad. Its own module, so reading it loads nothing. */
export const DEFAULT_PORT = 8276;
