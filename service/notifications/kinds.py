"""The kinds of notification and the rules on preferences (pure data and functions)."""

from __future__ import annotations

from typing import Literal

Mode = Literal["immediate", "digest", "off"]
MODES: tuple[Mode, ...] = ("immediate", "digest", "off")

KINDS = (
    "review_requested",   # an asset waits for my review
    "urgent_review",      # an urgent asset (e.g. a rebuttal) waits for my review, or still does
    "approved",           # my asset passed one approval level
    "published",          # my asset is live
    "changes_requested",  # my asset came back with a reason
    "rejected",           # my version was closed
    "withdrawn",          # an asset I made or took was withdrawn
    "urgent_published",   # an urgent rebuttal went live in my scope
    "comment",            # someone commented on my asset
    "task_due",           # a plan task my unit leads is due soon
    "task_overdue",       # a plan task my unit (or a unit reporting to mine) leads is overdue
    "report_due",         # my unit's six-month or year-end report is due soon, or overdue
    "report_submitted",   # a unit reporting to mine submitted (froze) its report
    "evidence_reviewed",  # evidence of use my unit recorded was accepted or returned
)

# Withdrawals and urgent rebuttals exist to stop wrong information spreading: nobody may switch them off.
MANDATORY: frozenset[str] = frozenset({"withdrawn", "urgent_published", "urgent_review"})


def effective_mode(kind: str, chosen: str | None) -> Mode:
    """The e-mail mode that applies: the person's choice, except that mandatory kinds are never off or
    delayed in a digest."""
    if kind in MANDATORY:
        return "immediate"
    if chosen in MODES:
        return chosen
    return "immediate"
