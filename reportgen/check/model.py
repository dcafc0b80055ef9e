"""The result of one conformance check."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_DETAILS = 10


@dataclass
class CheckResult:
    number: int            # GB/T 9704 conformance check number (shared/docs/gbt9704.md §7); 21+ are DOCX XML checks
    name: str              # short Chinese name
    passed: bool | None    # None: not applicable / not measurable on this document
    measured: str          # measured value with units
    expected: str
    hard: bool = True      # a hard failure makes `reportgen check` exit 1
    details: list[str] = field(default_factory=list)  # failing pages/lines (at most ~10)

    @property
    def status(self) -> str:
        return {True: "通过", False: "不通过", None: "不适用"}[self.passed]

    @property
    def hard_failure(self) -> bool:
        return self.passed is False and self.hard


def capped(items: list[str], limit: int = MAX_DETAILS) -> list[str]:
    """At most `limit` entries, the last one saying how many were left out."""
    if len(items) <= limit:
        return list(items)
    return list(items[:limit - 1]) + [f"……另有{len(items) - limit + 1}处"]
