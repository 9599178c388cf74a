"""Tests for the hub simulator."""
