#!/usr/bin/env bash
# Install what the tests need from Debian's packages: Chromium at /usr/bin/chromium and a Japanese
# font for the browser tests (the lessons' tables show island names in kanji), and bubblewrap for the
# grader's sandbox. Never fails the build: when it cannot install, it says why and exits 0; the
# browser tests then skip with a reason, and the sandbox tests fail saying bubblewrap is missing.
# Playwright's own browser download is not used: it needs a host that is not reachable here.
set -u
# Where the tests look for them; CHROMIUM and BWRAP only let this script's own tests point elsewhere.
chromium="${CHROMIUM:-/usr/bin/chromium}"
bwrap="${BWRAP:-/usr/bin/bwrap}"

packages=()
[ -x "$chromium" ] || packages+=(chromium)
if ! command -v fc-list >/dev/null || [ -z "$(fc-list ':lang=ja' 2>/dev/null)" ]; then
    packages+=(fonts-ipafont-gothic)
fi
[ -x "$bwrap" ] || packages+=(bubblewrap)
if [ ${#packages[@]} -eq 0 ]; then
    echo "install_test_packages: $chromium, a Japanese font and $bwrap are installed."
    exit 0
fi

skip() {
    echo "install_test_packages: not installing ${packages[*]}: $1" >&2
    echo "install_test_packages: without $chromium the browser tests skip; without $bwrap the sandbox tests fail." >&2
    exit 0
}

command -v apt-get >/dev/null || skip "no apt-get here (not Debian or Ubuntu); install them yourself."
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    # Only a sudo that asks no password: make test must not stop to wait for one.
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo=(sudo -n)
    else
        skip "not root and no password-less sudo; run: sudo apt-get install ${packages[*]}"
    fi
fi

echo "install_test_packages: apt-get install ${packages[*]}"
"${sudo[@]}" apt-get update -qq || skip "apt-get update failed (no network to the Debian mirror?)."
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null \
    || skip "apt-get install failed."
[ -x "$chromium" ] || skip "the chromium package did not provide $chromium."
[ -x "$bwrap" ] || skip "the bubblewrap package did not provide $bwrap."
echo "install_test_packages: done."
