#!/usr/bin/env bash
# CI: the package as a user gets it. Build the wheel, install it into a new venv (dependencies from the
# package index), make a project with `reportgen init` in a temporary folder, then validate and build
# the notice there and check that the PDF exists. Run from anywhere; uses the checkout's fonts/
# (made by `make install`) for the font file the profile names.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
# any Python with pip and venv: the checkout's .venv (made by make install) by default
python="${PYTHON:-$repo/.venv/bin/python}"
[ -x "$python" ] || python=python3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== 构建 wheel"
"$python" -m pip wheel -q --no-deps "$repo" -w "$work/dist"
wheel="$(ls "$work"/dist/reportgen-*.whl)"
for member in reportgen/templates/notice.html.j2 reportgen/profiles/gbt9704.yaml \
              reportgen/examples/jiangsu-2021/notice.yaml reportgen/examples/jiangsu-2021/submissions/SAMPLE.md; do
  "$python" -c "import sys, zipfile; sys.exit('$member' not in zipfile.ZipFile('$wheel').namelist())" \
    || { echo "wheel 中缺少 $member" >&2; exit 1; }
done

echo "== 安装到新的虚拟环境"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$wheel"
reportgen="$work/venv/bin/reportgen"

echo "== reportgen init（在临时文件夹中）"
cd "$work"
"$reportgen" init project
cp "$repo/fonts/FandolFang-Regular.otf" project/fonts/
cd project

echo "== reportgen validate"
"$reportgen" validate

echo "== reportgen build --only notice"
"$reportgen" build --only notice
pdf="$(find output -name '*.pdf' -path '*通知*' | head -1)"
if [ -z "$pdf" ] || [ ! -s "$pdf" ]; then
  echo "没有生成通知的 PDF" >&2
  exit 1
fi
"$work/venv/bin/python" -c "import pypdf, sys; n = len(pypdf.PdfReader(sys.argv[1]).pages); assert n > 10, n; print(f'PDF {n} 页')" "$pdf"

echo "== reportgen check（pypdf 为运行时依赖）"
"$reportgen" check "$pdf" > /dev/null || { echo "reportgen check 未通过" >&2; exit 1; }

echo "打包检查通过：$pdf"
