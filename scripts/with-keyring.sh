#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked GNOME keyring kept in a
# temporary folder, so the tests use a real Secret Service without touching the user's own
# keychain. Elsewhere (macOS, Windows, or when already inside one) it runs the command as it is.
set -euo pipefail
if [ "$(uname -s)" != "Linux" ] || [ -n "${TARMAC_KEYRING_READY:-}" ]; then exec "$@"; fi
for bin in dbus-run-session gnome-keyring-daemon; do
  command -v "$bin" >/dev/null 2>&1 || { echo "with-keyring: $bin is missing (Debian: apt-get install dbus gnome-keyring)" >&2; exit 1; }
done
keyring_home="$(mktemp -d "${TMPDIR:-/tmp}/tarmac-keyring.XXXXXX")"
trap 'rm -rf "$keyring_home"' EXIT
TARMAC_KEYRING_HOME="$keyring_home" dbus-run-session -- bash -c '
  export XDG_DATA_HOME="$TARMAC_KEYRING_HOME"
  printf %s "tarmac-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
  export TARMAC_KEYRING_READY=1
  exec "$@"' with-keyring "$@" 2> >(grep -v -E "gcr-prompter|Gtk-WARNING|SystemPrompter|Failed to set fd limit" >&2)
