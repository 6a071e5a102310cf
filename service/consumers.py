"""Outbox consumers, registered by import. Each one must be idempotent (events may be seen twice)."""

from __future__ import annotations
