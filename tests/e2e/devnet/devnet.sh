#!/usr/bin/env bash
# Installs the devnet packages if needed, then runs devnet.mjs under Node 22 (arguments passed on).
# Example: tests/e2e/devnet/devnet.sh start --spec tests/e2e/devnet/spec.json --state /tmp/s.json
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=install.sh
source "$here/install.sh"
exec "$DEVNET_NODE" "$here/devnet.mjs" "$@"
