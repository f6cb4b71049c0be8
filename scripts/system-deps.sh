#!/usr/bin/env bash
# System packages Tongban needs beyond Python: the CJK font embedded in result PDFs.
# Idempotent: does nothing when the font is already there. Called by `make install`.
# Installs with apt-get when root (or with passwordless sudo); otherwise it only prints what
# to run and exits 0, so a developer without root can still work (PDF tests then skip).
# It fails only when an install was attempted and did not produce the font.
# The font path can be overridden with TONGBAN_CJK_FONT (docs/seals.md).
set -euo pipefail

FONT="${TONGBAN_CJK_FONT:-/usr/share/fonts/truetype/wqy/wqy-microhei.ttc}"
PACKAGE="fonts-wqy-microhei"

if [[ -f "$FONT" ]]; then
    exit 0
fi

if [[ "${TONGBAN_CJK_FONT:-}" != "" ]]; then
    echo "system-deps: WARNING: TONGBAN_CJK_FONT=$FONT does not exist; point it at a TrueType/TTC font with Chinese glyphs." >&2
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: WARNING: CJK font $FONT missing and apt-get is not available." >&2
    echo "system-deps: install WenQuanYi Micro Hei (Debian/Ubuntu package $PACKAGE) or set TONGBAN_CJK_FONT." >&2
    exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        echo "system-deps: WARNING: CJK font $FONT missing; result PDFs need it. As root, run:" >&2
        echo "    apt-get update && apt-get install -y --no-install-recommends $PACKAGE" >&2
        echo "(or set TONGBAN_CJK_FONT to another TrueType/TTC font with Chinese glyphs)" >&2
        exit 0
    fi
else
    SUDO=()
fi

echo "system-deps: installing $PACKAGE"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$PACKAGE"
test -f "$FONT" || { echo "system-deps: $PACKAGE installed but $FONT is still missing" >&2; exit 1; }
