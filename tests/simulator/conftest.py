"""Fixtures for the simulator's tests: the AD2 emulator's, from tests/ad2_helpers.py."""

from __future__ import annotations

from ..ad2_helpers import ad2, ad2_clock, client

__all__ = ["ad2", "ad2_clock", "client"]
