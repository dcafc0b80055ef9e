"""What each output was made from, so a rebuild redoes only what changed (and says why).

For every document the build records the hashes of its inputs:
- "view": one hash per top-level entry of the document's view model (or per XLSX sheet). The view
  holds exactly the figures, rows and sentences the document prints, so it changes when, and only
  when, a data value the document reads changes (a city's letter does not read another city's row);
- "template": the document's template and the shared stylesheet template;
- "profile": the layout profile's values;
- "fonts": the contents of every font file the PDF may embed;
- "program": the package version, a hash of its source files, and the versions of the libraries that
  shape the output (OUTPUT_LIBRARIES: upgrading WeasyPrint or python-docx marks every output stale).
and, per output file, the file's own hash: a file edited or damaged after the build is rebuilt too.

The manifest (<out>/.reportgen-manifest.json) is rewritten atomically, about once a second while a
build runs and at its end; an entry is forgotten on disk before its files are replaced (build._Placing),
so an interrupted build leaves it vouching only for files that are in place (documents finished since
the last save have no entry, and are made again by the next build).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from .files import write_bytes_atomic

MANIFEST_NAME = ".reportgen-manifest.json"
FORMAT = 1
PACKAGE_DIR = Path(__file__).resolve().parent

# Installed distributions whose version changes what the files look like (layout, fonts, XML, charts).
OUTPUT_LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "fonttools", "pyphen", "python-docx", "lxml",
                    "openpyxl", "matplotlib", "jinja2", "markupsafe", "pyyaml", "pillow")

INPUT_NAMES = {"view": "所用数据", "template": "模板", "profile": "版式配置", "fonts": "字体", "program": "程序版本"}


def _plain(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Path):
        return str(value)
    return value


def digest(value) -> str:
    text = json.dumps(_plain(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:20]


@cache
def _cached_file_digest(path: str, size: int, mtime_ns: int) -> str:
    return file_digest(Path(path))


def stable_file_digest(path: Path) -> str:
    st = path.stat()
    return _cached_file_digest(str(path), st.st_size, st.st_mtime_ns)


def library_versions() -> dict[str, str]:
    """{distribution: installed version} of OUTPUT_LIBRARIES ("-" when one is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in OUTPUT_LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "-"
    return versions


@lru_cache(maxsize=1)
def program_digest() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("reportgen")
    except PackageNotFoundError:
        v = "unknown"
    h = hashlib.sha256(v.encode())
    h.update(json.dumps(library_versions(), sort_keys=True).encode())
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(path.read_bytes())
    return f"{v}:{h.hexdigest()[:16]}"


def view_digests(view, sheets: list | None) -> dict[str, str]:
    """One hash per top-level entry of a view (a dict's keys, a view dataclass's fields) or per sheet."""
    if sheets is not None:
        return {getattr(s, "label", str(i)): digest(s) for i, s in enumerate(sheets)}
    if dataclasses.is_dataclass(view) and not isinstance(view, type):
        return {f.name: digest(getattr(view, f.name)) for f in dataclasses.fields(view)}
    return {key: digest(value) for key, value in (view or {}).items()}


def changed_inputs(old: dict | None, new: dict) -> list[str]:
    """Why a document must be rebuilt, in Chinese: e.g. ["所用数据（targets）", "模板"]."""
    if old is None:
        return ["首次生成"]
    reasons = []
    for key, label in INPUT_NAMES.items():
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key == "view" and isinstance(a, dict) and isinstance(b, dict):
            parts = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
            shown = "、".join(parts[:4]) + ("等" if len(parts) > 4 else "")
            reasons.append(f"{label}（{shown}）")
        else:
            reasons.append(label)
    return reasons


class Manifest:
    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / MANIFEST_NAME
        self.documents: dict[str, dict] = {}
        self._texts: dict[str, str] = {}   # key → its entry as saved (an entry is not changed once recorded)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") == FORMAT:
                self.documents = data.get("documents", {})
        except (FileNotFoundError, ValueError, AttributeError):
            pass  # no manifest or an unreadable one: everything is rebuilt

    def entry(self, key: str) -> dict | None:
        return self.documents.get(key)

    def forget(self, key: str) -> bool:
        self._texts.pop(key, None)
        return self.documents.pop(key, None) is not None

    def record(self, key: str, inputs: dict, files: dict[str, str]) -> None:
        self._texts.pop(key, None)
        self.documents[key] = {"inputs": inputs, "files": files}

    def text(self) -> str:
        """The file's text: json.dumps({"format", "documents"}, indent=1, sort_keys=True), built from each
        entry's text, made once (json's indented encoder is pure Python: re-encoding every entry at every
        save made a build's saves grow with the square of its documents)."""
        if not self.documents:
            return json.dumps({"format": FORMAT, "documents": {}}, ensure_ascii=False, indent=1, sort_keys=True)
        parts = []
        for key in sorted(self.documents):
            if key not in self._texts:
                entry = json.dumps({key: self.documents[key]}, ensure_ascii=False, indent=1, sort_keys=True)
                self._texts[key] = " " + entry[2:-2].replace("\n", "\n ")   # one level deeper, in "documents"
            parts.append(self._texts[key])
        return '{\n "documents": {\n' + ",\n".join(parts) + f'\n }},\n "format": {FORMAT}\n}}'

    def save(self) -> None:
        write_bytes_atomic(self.path, self.text().encode("utf-8"), durable=False)
