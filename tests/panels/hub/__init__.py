"""Tests for the HA-free hub client library."""
