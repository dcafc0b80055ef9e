"""Suggestions for a name that was typed wrong: one rule for unit names, annex roles and column keys
("南景市" → "（是否是：南京市？）"), so every message offers the same near names. No reportgen imports."""

from __future__ import annotations

import difflib

# difflib's ratio: 2 × matching characters / total; "南景市" against "南京市" is 0.67, "南京" against
# "南京市" 0.8, two names sharing one character of five 0.4
CUTOFF = 0.4


def similar(name: str, candidates, n: int = 3) -> list[str]:
    """Up to `n` candidates close to `name`, closest first, each once."""
    return list(dict.fromkeys(difflib.get_close_matches(name, list(candidates), n=n, cutoff=CUTOFF)))


def did_you_mean(name: str, candidates) -> str:
    """"（是否是：南京市、南通市？）", or "" when none is close."""
    found = similar(name, candidates)
    return f"（是否是：{'、'.join(found)}？）" if found else ""
