#!/usr/bin/env bash
# System packages Tongban needs beyond Python:
# - the CJK font embedded in result PDFs (fonts-wqy-microhei);
# - faketime (libfaketime), with which `make test` runs the e2e and engine scenario tests on
#   fixed future dates (docs/testing.md);
# - chromium, the browser the front end's Playwright tests drive (tests/browser/).
# Idempotent: installs only what is missing, and does nothing when everything is there.
# Called by `make install`. Installs with apt-get when root (or with passwordless sudo);
# otherwise it only prints what to run and exits 0, so a developer without root can still
# work (PDF tests then skip, and `make test-faketime` says faketime is missing).
# It fails only when an install was attempted and did not produce what it should.
# The font path can be overridden with TONGBAN_CJK_FONT (docs/seals.md).
set -euo pipefail

FONT="${TONGBAN_CJK_FONT:-/usr/share/fonts/truetype/wqy/wqy-microhei.ttc}"
FONT_PACKAGE="fonts-wqy-microhei"
FAKETIME_PACKAGE="faketime"  # the `faketime` command; depends on libfaketime (the .so)
CHROMIUM_PACKAGE="chromium"
CHROMIUM="/usr/lib/chromium/chromium"

has_font() {
    [[ -f "$FONT" ]]
}

has_chromium() {
    [[ -x "$CHROMIUM" ]]
}

has_faketime() {
    command -v faketime >/dev/null 2>&1 && compgen -G "/usr/lib/*/faketime/libfaketime.so.1" >/dev/null
}

missing=()
if ! has_font; then
    if [[ "${TONGBAN_CJK_FONT:-}" != "" ]]; then
        echo "system-deps: WARNING: TONGBAN_CJK_FONT=$FONT does not exist; point it at a TrueType/TTC font with Chinese glyphs." >&2
    else
        missing+=("$FONT_PACKAGE")
    fi
fi
if ! has_faketime; then
    missing+=("$FAKETIME_PACKAGE")
fi
if ! has_chromium; then
    missing+=("$CHROMIUM_PACKAGE")
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: WARNING: missing ${missing[*]} and apt-get is not available." >&2
    echo "system-deps: install WenQuanYi Micro Hei (Debian/Ubuntu $FONT_PACKAGE) or set TONGBAN_CJK_FONT;" >&2
    echo "system-deps: install libfaketime's faketime command for \`make test-faketime\`." >&2
    exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        echo "system-deps: WARNING: missing ${missing[*]}. As root, run:" >&2
        echo "    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
        if [[ " ${missing[*]} " == *" $FONT_PACKAGE "* ]]; then
            echo "(result PDFs need the font; or set TONGBAN_CJK_FONT to another TrueType/TTC font with Chinese glyphs)" >&2
        fi
        if [[ " ${missing[*]} " == *" $FAKETIME_PACKAGE "* ]]; then
            echo "(\`make test-faketime\` needs faketime: it skips without it, or fails with TONGBAN_REQUIRE_SERVICES=1)" >&2
        fi
        if [[ " ${missing[*]} " == *" $CHROMIUM_PACKAGE "* ]]; then
            echo "(the browser tests need chromium: they skip without it, or fail with TONGBAN_REQUIRE_SERVICES=1)" >&2
        fi
        exit 0
    fi
else
    SUDO=()
fi

echo "system-deps: installing ${missing[*]}"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
if [[ " ${missing[*]} " == *" $FONT_PACKAGE "* ]] && ! has_font; then
    echo "system-deps: $FONT_PACKAGE installed but $FONT is still missing" >&2
    exit 1
fi
if ! has_faketime; then
    echo "system-deps: $FAKETIME_PACKAGE installed but faketime or libfaketime.so.1 is still missing" >&2
    exit 1
fi
if [[ " ${missing[*]} " == *" $CHROMIUM_PACKAGE "* ]] && ! has_chromium; then
    echo "system-deps: $CHROMIUM_PACKAGE installed but $CHROMIUM is still missing" >&2
    exit 1
fi
