#!/usr/bin/env bash
# Dependencies point inward: the domain and the engines never pull an async runtime, a
# database driver, a web framework or an HTTP client. Fails naming the crate and the culprit.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for crate in domain foundation policy ingest scoring pipeline meetings capacity demo; do
    tree=$(cargo tree --offline -p "roomwork-$crate" -e normal --prefix none 2>/dev/null || cargo tree -p "roomwork-$crate" -e normal --prefix none)
    for banned in tokio sqlx axum reqwest hyper; do
        if grep -qE "^$banned(-[a-z-]+)? v" <<<"$tree"; then
            echo "roomwork-$crate depends on $banned: engines must stay free of IO crates" >&2
            status=1
        fi
    done
done
[ $status -eq 0 ] && echo "dependency direction: ok (domain and engines free of tokio, sqlx, axum, reqwest, hyper)"
exit $status
