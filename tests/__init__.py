"""Tests for the AlarmHub integration, its hub client and the simulator."""
