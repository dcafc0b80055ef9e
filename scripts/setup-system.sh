#!/usr/bin/env bash
# System packages and fonts reportgen needs on Debian 12. Safe to run again: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(fontconfig fonts-noto-cjk fonts-arphic-ukai fonts-liberation2 libharfbuzz-subset0 poppler-utils libreoffice-writer-nogui chromium chromium-driver)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
updated=0
if [ ${#missing[@]} -gt 0 ]; then
  echo "安装系统软件包：${missing[*]}"
  $SUDO apt-get update -qq
  updated=1
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# FandolFang (free 仿宋 covering all GB2312 hanzi), taken out of Debian's texlive-lang-chinese
# package without installing TeX. Kept in fonts/ (not in git); the PDF writer embeds it from there.
if [ ! -f fonts/FandolFang-Regular.otf ]; then
  echo "下载仿宋字体 FandolFang（texlive-lang-chinese）"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  if ! (cd "$tmp" && apt-get download texlive-lang-chinese >/dev/null 2>&1); then
    [ "$updated" -eq 1 ] || $SUDO apt-get update -qq
    (cd "$tmp" && apt-get download texlive-lang-chinese)
  fi
  dpkg-deb -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
  mkdir -p fonts
  cp "$tmp"/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf fonts/
fi
