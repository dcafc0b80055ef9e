"""manifest.py, public behaviour only: entries recorded, forgotten, saved and read back; why a
document must be rebuilt; digests that do not depend on key order."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from reportgen.manifest import MANIFEST_NAME, Manifest, changed_inputs, digest, view_digests

INPUTS = {"view": {"targets": "aa", "rows": "bb"}, "template": "t1", "profile": "p1", "fonts": "f1",
          "program": "0.1.0:x"}


def test_record_save_and_read_back(tmp_path):
    m = Manifest(tmp_path)
    assert m.entry("notice") is None
    m.record("notice", INPUTS, {"notice.pdf": "h1", "notice.docx": "h2"})
    m.record("letters/南京市", INPUTS, {"letters/南京市.pdf": "h3"})
    m.save()
    again = Manifest(tmp_path)
    assert again.entry("notice") == {"inputs": INPUTS, "files": {"notice.pdf": "h1", "notice.docx": "h2"}}
    assert again.entry("letters/南京市")["files"] == {"letters/南京市.pdf": "h3"}
    assert "南京市" in (tmp_path / MANIFEST_NAME).read_text(encoding="utf-8")   # readable, not escaped


def test_forget_removes_an_entry_once(tmp_path):
    m = Manifest(tmp_path)
    m.record("notice", INPUTS, {})
    assert m.forget("notice") is True
    assert m.forget("notice") is False
    m.save()
    assert Manifest(tmp_path).entry("notice") is None


def test_record_replaces_the_entry(tmp_path):
    m = Manifest(tmp_path)
    m.record("notice", INPUTS, {"notice.pdf": "old"})
    m.record("notice", INPUTS, {"notice.pdf": "new"})
    m.save()
    assert Manifest(tmp_path).entry("notice")["files"] == {"notice.pdf": "new"}


def test_unreadable_or_other_format_manifest_means_rebuild_everything(tmp_path):
    path = tmp_path / MANIFEST_NAME
    path.write_text("{not json", encoding="utf-8")
    assert Manifest(tmp_path).entry("notice") is None
    path.write_text(json.dumps({"format": 999, "documents": {"notice": {"inputs": {}, "files": {}}}}),
                    encoding="utf-8")
    assert Manifest(tmp_path).entry("notice") is None
    path.write_text("[]", encoding="utf-8")
    assert Manifest(tmp_path).entry("notice") is None


def test_changed_inputs_reasons():
    assert changed_inputs(None, INPUTS) == ["首次生成"]
    assert changed_inputs(INPUTS, dict(INPUTS)) == []
    new = dict(INPUTS, template="t2", program="0.2.0:y")
    assert changed_inputs(INPUTS, new) == ["模板", "程序版本"]
    new = dict(INPUTS, view={"targets": "zz", "rows": "bb", "notes": "nn"}, fonts="f2")
    assert changed_inputs(INPUTS, new) == ["所用数据（notes、targets）", "字体"]


def test_changed_inputs_names_at_most_four_view_parts():
    old = dict(INPUTS, view={k: "1" for k in "abcdef"})
    new = dict(INPUTS, view={k: "2" for k in "abcdef"})
    assert changed_inputs(old, new) == ["所用数据（a、b、c、d等）"]


@dataclass(frozen=True)
class Row:
    name: str
    value: Decimal
    when: dt.date
    path: Path


def test_digest_is_stable_and_sees_every_value():
    a = {"rows": [Row("南京市", Decimal("30.0"), dt.date(2021, 5, 1), Path("x"))], "n": 1}
    b = {"n": 1, "rows": [Row("南京市", Decimal("30.0"), dt.date(2021, 5, 1), Path("x"))]}
    assert digest(a) == digest(b) and len(digest(a)) == 20
    assert digest(a) != digest({"n": 1, "rows": [Row("南京市", Decimal("30.00"), dt.date(2021, 5, 1), Path("x"))]})
    assert digest(a) != digest({"n": 1, "rows": [Row("南京市", Decimal("30.0"), dt.date(2021, 6, 1), Path("x"))]})


def test_view_digests_one_per_entry_or_sheet():
    view = {"targets": [1, 2], "rows": "x"}
    assert view_digests(view, None) == {"targets": digest([1, 2]), "rows": digest("x")}

    @dataclass
    class Sheet:
        label: str
        rows: list

    sheets = [Sheet("附件1", [1]), Sheet("附件2", [2])]
    assert list(view_digests(None, sheets)) == ["附件1", "附件2"]
    assert view_digests(None, sheets)["附件1"] != view_digests(None, sheets)["附件2"]
    assert view_digests(None, None) == {}


def test_saved_text_is_the_whole_manifest_dumped_at_once(tmp_path):
    """save() builds the text from each entry's text made once (issue 18); it must be exactly what
    json.dumps of the whole manifest gives, whatever was recorded, replaced or forgotten since."""
    m = Manifest(tmp_path)

    def expected():
        return json.dumps({"format": 1, "documents": m.documents}, ensure_ascii=False, indent=1, sort_keys=True)

    m.save()
    assert (tmp_path / MANIFEST_NAME).read_text(encoding="utf-8") == expected()
    m.record("notice", INPUTS, {"notice.pdf": "h1"})
    m.record('letters/"南京市"\n', {**INPUTS, "view": {}}, {})
    m.save()
    m.record("notice", {**INPUTS, "profile": "p2"}, {"notice.pdf": "h9", "notice.docx": "h8"})
    assert m.text() == expected()
    m.forget("notice")
    m.save()
    assert (tmp_path / MANIFEST_NAME).read_text(encoding="utf-8") == expected()
    again = Manifest(tmp_path)
    again.record("a", INPUTS, {"a.pdf": "h"})
    assert again.text() == json.dumps({"format": 1, "documents": again.documents}, ensure_ascii=False, indent=1,
                                      sort_keys=True)
