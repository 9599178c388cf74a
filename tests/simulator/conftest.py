"""Fixtures for the simulator's own tests (the AD2 emulator's live in ad2_helpers)."""

from __future__ import annotations

from .ad2_helpers import ad2, ad2_clock, client

__all__ = ["ad2", "ad2_clock", "client"]
