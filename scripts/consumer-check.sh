#!/usr/bin/env bash
# Builds and runs a consumer of Neuromod the way a user's package would get it: through a tagged git
# repository, `.package(url: "file://…", from: VERSION)` — so SwiftPM applies the rules it applies to
# a fetched dependency (no unsafe flags, products only), which a path dependency is exempt from.
#
# 1. copies the commit HEAD of this checkout (commits only: uncommitted changes are not checked)
#    into a bare repository in a temporary folder and tags it v$VERSION, VERSION being
#    NeuromodVersion.string in Sources/Neuromod/Version.swift;
# 2. writes a consumer package beside it whose executable depends on the library products Neuromod,
#    NeuromodTasks and NeuromodLab (built, not called) and whose sources are a copy of Examples/
#    (the README's library examples);
# 3. `swift build`s it, runs it and expects its last line to be `examples: ok` (exit status 0);
# 4. checks with LD_DEBUG=bindings that libgsl's cblas_dgemm binds to OpenBLAS in the consumer too.
# Needs git and what `make build` needs; nothing beside the clone (no ../shared). Exit status 0 only
# if every step passed; the temporary folders are removed either way (KEEP=1 keeps them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(sed -n 's/.*static let string = "\([0-9][0-9.]*\)".*/\1/p' "$root/Sources/Neuromod/Version.swift")"
[ -n "$version" ] || { echo "consumer-check: no version in Sources/Neuromod/Version.swift" >&2; exit 1; }
head="$(git -C "$root" rev-parse HEAD)"
if [ -n "$(git -C "$root" status --porcelain -- Package.swift Sources Examples)" ]; then
  echo "consumer-check: note: uncommitted changes in Package.swift, Sources or Examples are not checked (HEAD only)" >&2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/neuromod-consumer.XXXXXX")"
[ "${KEEP:-0}" = 1 ] && echo "consumer-check: keeping $work" || trap 'rm -rf "$work"' EXIT

repo="$work/neuromod.git"
git init --quiet --bare --initial-branch=main "$repo"
git -C "$repo" fetch --quiet "$root" "$head"
git -C "$repo" update-ref refs/heads/main "$head"
git -C "$repo" tag "v$version" "$head"

consumer="$work/consumer"
mkdir -p "$consumer/Sources/consumer"
cp "$root"/Examples/*.swift "$consumer/Sources/consumer/"
cat > "$consumer/Package.swift" <<SWIFT
// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "NeuromodConsumer",
    dependencies: [.package(url: "file://$repo", from: "$version")],
    targets: [
        .executableTarget(
            name: "consumer",
            dependencies: [.product(name: "Neuromod", package: "neuromod"),
                           .product(name: "NeuromodTasks", package: "neuromod"),
                           .product(name: "NeuromodLab", package: "neuromod")]),
    ]
)
SWIFT

echo "== consumer-check: Neuromod $version (v$version = ${head:0:12}) from file://$repo"
if ! (cd "$consumer" && swift build >"$work/build.log" 2>&1); then
  cat "$work/build.log"; echo "consumer-check: the consumer does not build" >&2; exit 1
fi
tail -n 1 "$work/build.log"
binary="$(cd "$consumer" && swift build --show-bin-path)/consumer"
output="$("$binary")" || { echo "$output"; echo "consumer-check: the consumer failed" >&2; exit 1; }
echo "$output"
[ "$(tail -n 1 <<<"$output")" = "examples: ok" ] || { echo "consumer-check: expected 'examples: ok' last" >&2; exit 1; }

bindings="$(LD_BIND_NOW=1 LD_DEBUG=bindings "$binary" preset 2>&1 >/dev/null | grep 'libgsl\.so.*`cblas_dgemm' || true)"
case "$bindings" in
  *openblas*) echo "consumer-check: libgsl's cblas_dgemm binds to OpenBLAS" ;;
  *) echo "consumer-check: libgsl's cblas_dgemm does not bind to OpenBLAS: ${bindings:-no binding seen}" >&2; exit 1 ;;
esac
echo "consumer-check: ok"
