"""Household locks on the three stacks, beside the demo hub's own locks."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest

from .stacks import FakeLock, Stacks

SIDE = "lock.side_door"  # Z-Wave JS
GARAGE = "lock.garage_door"  # ZHA
PATIO = "lock.patio_door"  # Matter
#: Codes set at the locks themselves, before AlarmHub (never to be touched).
OUTSIDE = {SIDE: {1: "9999"}, GARAGE: {1: "2468"}, PATIO: {1: "13579"}}


@pytest.fixture
def stacks(hass: HomeAssistant) -> Stacks:
    """The three stacks' lock actions, each with one lock."""
    stacks = Stacks(hass)
    stacks.register()
    stacks.add_lock(
        "zwave_js", "side_door", "Side door", max_pin=10, codes=dict(OUTSIDE[SIDE])
    )
    stacks.add_lock(
        "zha", "garage_door", "Garage door", slots=30, codes=dict(OUTSIDE[GARAGE])
    )
    stacks.add_lock("matter", "patio_door", "Patio door", codes=dict(OUTSIDE[PATIO]))
    return stacks


@pytest.fixture
def side(stacks: Stacks) -> FakeLock:
    return stacks.locks[SIDE]


@pytest.fixture
def garage(stacks: Stacks) -> FakeLock:
    return stacks.locks[GARAGE]


@pytest.fixture
def patio(stacks: Stacks) -> FakeLock:
    return stacks.locks[PATIO]
