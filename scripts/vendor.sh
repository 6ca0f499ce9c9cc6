#!/usr/bin/env bash
# Re-vendor the front-end assets into app/static/vendor/ from the npm registry.
#
# Nothing is fetched at run time and there is no Node build step: this script is run by hand
# when a version below changes, and its output (including VERSIONS.txt) is committed.
# Needs: npm (only `npm pack`, which downloads a package tarball), tar, sed.
#
#   scripts/vendor.sh            # vendor the pinned versions below
#
# To pick a new version: `npm view <package> versions`, then edit the pin. htmx stays on 2.0.x
# (4.x is a different API), Swagger UI on 5.x, Redoc on 2.x, Pico on 2.x, socket.io-client on
# 4.x (it must match the Flask-SocketIO server's protocol).
set -euo pipefail

HTMX_VERSION="2.0.11"
KATEX_VERSION="0.19.1"
SOCKETIO_VERSION="4.8.4"
SWAGGER_UI_VERSION="5.35.0"
REDOC_VERSION="2.5.4"
PICO_VERSION="2.1.1"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/app/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# fetch <package> <version>: unpacks the registry tarball, prints the unpacked folder.
fetch() {
    local name="$1" version="$2" dir
    dir="$WORK/$(echo "$name" | tr '/@' '__')"
    mkdir -p "$dir"
    local tarball
    tarball="$(cd "$dir" && npm pack --silent "$name@$version" 2>/dev/null | tail -n 1)"
    tar -xzf "$dir/$tarball" -C "$dir"
    echo "$dir/package"
}

# put <from> <to>: copy one file, creating folders, with the licence notice of a bundled file.
put() {
    mkdir -p "$(dirname "$2")"
    cp "$1" "$2"
    bundle_notice "$1" "$2"
}

# bundle_notice <from> <to>: webpack bundles point at <file>.LICENSE.txt; keep it beside them.
bundle_notice() {
    if [[ -f "$1.LICENSE.txt" ]]; then
        cp "$1.LICENSE.txt" "$2.LICENSE.txt"
    fi
}

# licence <package dir> <vendor subdir>: keep the package's licence next to its files.
licence() {
    local f
    for f in "$1"/LICENSE "$1"/LICENSE.md "$1"/LICENSE.txt; do
        if [[ -f "$f" ]]; then
            cp "$f" "$DEST/$2/$(basename "$f")"
        fi
    done
}

VERSIONS=()
record() {  # record <package> <version> <vendor subdir>
    local files
    files="$(cd "$DEST" && find "$3" -type f ! -name 'LICENSE*' ! -name '*.LICENSE.txt' | sort | tr '\n' ' ')"
    VERSIONS+=("$1 $2 ${files% }")
}

rm -rf "$DEST"
mkdir -p "$DEST"

# htmx ---------------------------------------------------------------------------------------
pkg="$(fetch htmx.org "$HTMX_VERSION")"
put "$pkg/dist/htmx.min.js" "$DEST/htmx/htmx.min.js"
licence "$pkg" htmx
record htmx.org "$HTMX_VERSION" htmx

# KaTeX: only the woff2 fonts are kept (every current browser reads them), so the stylesheet is
# rewritten to name only woff2 sources and no url() points at a missing file.
pkg="$(fetch katex "$KATEX_VERSION")"
put "$pkg/dist/katex.min.js" "$DEST/katex/katex.min.js"
put "$pkg/dist/contrib/auto-render.min.js" "$DEST/katex/contrib/auto-render.min.js"
mkdir -p "$DEST/katex/fonts"
cp "$pkg"/dist/fonts/*.woff2 "$DEST/katex/fonts/"
sed -E \
    -e 's#,url\(fonts/[^)]+\.woff\) format\("woff"\)##g' \
    -e 's#,url\(fonts/[^)]+\.ttf\) format\("truetype"\)##g' \
    "$pkg/dist/katex.min.css" > "$DEST/katex/katex.min.css"
licence "$pkg" katex
record katex "$KATEX_VERSION" katex

# Socket.IO client (the source map is left out, so its comment goes too: no 404 in devtools)
pkg="$(fetch socket.io-client "$SOCKETIO_VERSION")"
mkdir -p "$DEST/socket.io"
sed -e '/^\/\/# sourceMappingURL=/d' -e 's#//\# sourceMappingURL=socket\.io\.min\.js\.map##' \
    "$pkg/dist/socket.io.min.js" > "$DEST/socket.io/socket.io.min.js"
licence "$pkg" socket.io
record socket.io-client "$SOCKETIO_VERSION" socket.io

# Swagger UI ---------------------------------------------------------------------------------
pkg="$(fetch swagger-ui-dist "$SWAGGER_UI_VERSION")"
mkdir -p "$DEST/swagger-ui"
sed -e 's#//\# sourceMappingURL=swagger-ui-bundle\.js\.map##' \
    "$pkg/swagger-ui-bundle.js" > "$DEST/swagger-ui/swagger-ui-bundle.js"
bundle_notice "$pkg/swagger-ui-bundle.js" "$DEST/swagger-ui/swagger-ui-bundle.js"
sed -e 's#/\*\# sourceMappingURL=swagger-ui\.css\.map\*/##' \
    "$pkg/swagger-ui.css" > "$DEST/swagger-ui/swagger-ui.css"
licence "$pkg" swagger-ui
record swagger-ui-dist "$SWAGGER_UI_VERSION" swagger-ui

# Redoc --------------------------------------------------------------------------------------
pkg="$(fetch redoc "$REDOC_VERSION")"
put "$pkg/bundles/redoc.standalone.js" "$DEST/redoc/redoc.standalone.js"
licence "$pkg" redoc
record redoc "$REDOC_VERSION" redoc

# Pico CSS -----------------------------------------------------------------------------------
pkg="$(fetch @picocss/pico "$PICO_VERSION")"
put "$pkg/css/pico.min.css" "$DEST/pico/pico.min.css"
licence "$pkg" pico
record @picocss/pico "$PICO_VERSION" pico

# Every url() in a vendored stylesheet must resolve to a vendored file (data: URIs aside).
missing=0
while IFS= read -r css; do
    dir="$(dirname "$css")"
    while IFS= read -r ref; do
        [[ -z "$ref" || "$ref" == data:* || "$ref" == \#* ]] && continue
        if [[ "$ref" == http:* || "$ref" == https:* || "$ref" == //* ]]; then
            echo "vendor.sh: $css loads $ref from the network" >&2
            missing=1
        elif [[ ! -f "$dir/${ref%%[?#]*}" ]]; then
            echo "vendor.sh: $css references missing $ref" >&2
            missing=1
        fi
    done < <(grep -oE 'url\([^)]*\)' "$css" | sed -E 's/^url\(["'"'"']?//; s/["'"'"']?\)$//' | sort -u)
done < <(find "$DEST" -name '*.css')
if [[ "$missing" -ne 0 ]]; then
    exit 1
fi

{
    echo "# Written by scripts/vendor.sh from the npm registry; do not edit by hand."
    echo "# package version files"
    printf '%s\n' "${VERSIONS[@]}"
} > "$DEST/VERSIONS.txt"

echo "vendored into $DEST:"
cat "$DEST/VERSIONS.txt"
