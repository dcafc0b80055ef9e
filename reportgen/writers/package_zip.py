"""Byte-identical DOCX and XLSX files: the same inputs give the same bytes.

python-docx and openpyxl stamp every zip entry with the current time and write the current time into
docProps/core.xml. After writing, the package is rewritten with every entry dated `when` (the
document's date from the data, or SOURCE_DATE_EPOCH when set), in its original order, with fixed
permissions, and with core.xml's created/modified set to the same moment.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import Path

from ..files import atomic_target

CORE = "docProps/core.xml"
DATE_ELEMENT = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def document_time(date: dt.datetime) -> dt.datetime:
    """The time stamped into packages: SOURCE_DATE_EPOCH if set (reproducible-builds.org), else `date`."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
    return date


def normalize_package(path: Path, when: dt.datetime) -> None:
    path = Path(path)
    stamp = max(when, dt.datetime(1980, 1, 1)).timetuple()[:6]   # zip dates start in 1980
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as z:
        entries = [(info.filename, z.read(info.filename)) for info in z.infolist()]
    with atomic_target(path) as temp, zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, data in entries:
            if name == CORE:
                data = DATE_ELEMENT.sub(lambda m: m.group(1) + iso + m.group(3), data)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            out.writestr(info, data, compresslevel=6)
