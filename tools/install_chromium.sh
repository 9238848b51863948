#!/usr/bin/env bash
# Install what the browser tests need from Debian's packages: Chromium at /usr/bin/chromium and a
# Japanese font (the lessons' tables show island names in kanji). Never fails the build: when it
# cannot install, it says why and exits 0, and the browser tests then skip with a reason.
# Playwright's own browser download is not used: it needs a host that is not reachable here.
set -u
# Where the tests look for it; CHROMIUM only lets this script's own tests point elsewhere.
chromium="${CHROMIUM:-/usr/bin/chromium}"

packages=()
[ -x "$chromium" ] || packages+=(chromium)
if ! command -v fc-list >/dev/null || [ -z "$(fc-list ':lang=ja' 2>/dev/null)" ]; then
    packages+=(fonts-ipafont-gothic)
fi
if [ ${#packages[@]} -eq 0 ]; then
    echo "install_chromium: $chromium and a Japanese font are installed."
    exit 0
fi

skip() {
    echo "install_chromium: not installing ${packages[*]}: $1" >&2
    echo "install_chromium: the browser tests will skip without $chromium." >&2
    exit 0
}

command -v apt-get >/dev/null || skip "no apt-get here (not Debian or Ubuntu); install Chromium at $chromium yourself."
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    # Only a sudo that asks no password: make test must not stop to wait for one.
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo=(sudo -n)
    else
        skip "not root and no password-less sudo; run: sudo apt-get install ${packages[*]}"
    fi
fi

echo "install_chromium: apt-get install ${packages[*]}"
"${sudo[@]}" apt-get update -qq || skip "apt-get update failed (no network to the Debian mirror?)."
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null \
    || skip "apt-get install failed."
[ -x "$chromium" ] || skip "the chromium package did not provide $chromium."
echo "install_chromium: done."
