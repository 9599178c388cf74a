"""Brute force: wrong codes are counted by the hub, which locks the keypad.

Every way HA sends a code (disarm, the panel's arm actions, ``alarmhub.arm``)
counts. The lockout reaches HA as a clear, translated error and an
``alarmhub_lockout`` event. HA answers every wrong code that could exist
with the very same error, which says only how many attempts are left before
the keypad locks; a code
still being activated says so and counts the same. Malformed codes never
leave HA (one error, no count), so they cannot be used to probe the hub.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.panels.hub import ArmMode
from simulator.clock import ManualClock
from simulator.hub import Hub

from .common import settle
from .operations import CODE, HOUSE

pytestmark = pytest.mark.usefixtures("init_integration")

#: Every way a code travels from HA to the hub.
ENTRY_POINTS: list[tuple[str, str, dict[str, Any]]] = [
    ("alarm_control_panel", "alarm_disarm", {}),
    ("alarm_control_panel", "alarm_arm_away", {}),
    (DOMAIN, "arm", {"mode": "night"}),
]
#: Wrong codes that could exist: nobody's, and one digit off a real one.
WRONG_CODES = ["13572468", "4827", "0000"]
#: Codes that cannot exist: refused by HA before they travel.
MALFORMED_CODES = [
    "12ab",
    "1",
    "123456789",
    "٤٨٢٦",  # Arabic-Indic digits: str.isdigit() is True, but not a code
    "4826\x00",
    "9" * 100_000,
]
DOG_WALKER = "5064"  # pending activation in the tests below


async def _try(
    hass: HomeAssistant, entry_point: tuple[str, str, dict[str, Any]], code: str
) -> ServiceValidationError | None:
    domain, service, data = entry_point
    try:
        await hass.services.async_call(
            domain,
            service,
            {"entity_id": HOUSE, "code": code, **data},
            blocking=True,
            return_response=domain == DOMAIN,
        )
    except ServiceValidationError as err:
        return err
    finally:
        await settle(hass)
    return None


def _seen(err: ServiceValidationError | None) -> Any:
    """Return everything a caller can see of an error."""
    assert err is not None
    return (
        type(err),
        err.translation_domain,
        err.translation_key,
        tuple(sorted((err.translation_placeholders or {}).items())) or None,
        str(err),
    )


@pytest.mark.parametrize("entry_point", ENTRY_POINTS, ids=lambda e: e[1])
async def test_every_wrong_code_gets_the_same_error(
    hass: HomeAssistant, hub: Hub, entry_point: tuple[str, str, dict[str, Any]]
) -> None:
    """Every wrong code: one error, saying only how many attempts are left."""
    if entry_point[1] == "alarm_disarm":
        hub.panel.arm("1", ArmMode.STAY)
        await settle(hass)
    seen = set()
    for code in WRONG_CODES:
        hub.panel.failed_attempts = 1  # the same count each time
        err = await _try(hass, entry_point, code)
        seen.add(_seen(err))
        assert code not in str(err)
    assert len(seen) == 1, seen
    ((_, _, key, placeholders, message),) = seen
    assert (key, placeholders, message) == (
        "invalid_code_attempts",
        (("attempts_left", "3"),),
        "The code was not accepted. 3 attempts left before the keypad locks",
    )
    malformed = set()
    for code in MALFORMED_CODES:
        err = await _try(hass, entry_point, code)
        malformed.add(_seen(err))
        assert code[:20] not in str(err)
    ((_, _, key, placeholders, message),) = malformed
    assert (key, placeholders, message) == (
        "invalid_code",
        None,
        "The code was not accepted",
    )
    assert hub.panel.failed_attempts == 2  # malformed ones are not counted


@pytest.mark.parametrize("entry_point", ENTRY_POINTS, ids=lambda e: e[1])
async def test_a_pending_code_says_so_and_counts(
    hass: HomeAssistant, hub: Hub, entry_point: tuple[str, str, dict[str, Any]]
) -> None:
    """A code still being activated says so, and counts as a wrong one."""
    hub.panel.users[3].status = "pending"
    if entry_point[1] == "alarm_disarm":
        hub.panel.arm("1", ArmMode.STAY)
        await settle(hass)
    err = await _try(hass, entry_point, DOG_WALKER)
    assert err is not None
    assert err.translation_key == "code_pending"
    assert str(err) == (
        "This code is not active yet: the panel activates it shortly. "
        "4 attempts left before the keypad locks"
    )
    assert DOG_WALKER not in str(err)
    assert hub.panel.failed_attempts == 1
    hub.panel.users[3].status = "active"
    assert await _try(hass, entry_point, DOG_WALKER) is None
    assert hub.panel.failed_attempts == 0


async def test_malformed_codes_never_reach_the_hub(
    hass: HomeAssistant, hub: Hub
) -> None:
    """A code that cannot exist is refused by HA: the hub counts nothing."""
    hub.panel.arm("1", ArmMode.STAY)
    await settle(hass)
    for code in ["12ab", "1", "123456789", "٤٨٢٦", "9" * 100_000] * 3:
        assert await _try(hass, ENTRY_POINTS[0], code) is not None
    assert hub.panel.failed_attempts == 0
    assert await _try(hass, ENTRY_POINTS[0], CODE) is None
    assert hass.states.get(HOUSE).state == "disarmed"


async def test_lockout_across_entry_points(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    clock: ManualClock,
) -> None:
    """Five wrong codes, by any mix of actions: locked out, said clearly, once."""
    lockouts = async_capture_events(hass, f"{DOMAIN}_lockout")
    errors = []
    for number in range(5):
        errors.append(await _try(hass, ENTRY_POINTS[number % 3], "13572468"))
    assert [e.translation_key for e in errors if e] == ["invalid_code_attempts"] * 4 + [
        "locked_out"
    ]
    assert [str(e) for e in errors[:4]] == [
        f"The code was not accepted. {left} attempts left before the keypad locks"
        for left in (4, 3, 2, 1)
    ]
    assert str(errors[-1]) == (
        "The keypad is locked after too many wrong codes. Try again in 300 seconds"
    )
    assert [e.data for e in lockouts] == [
        {"config_entry_id": init_integration.entry_id, "retry_after": 300}
    ]

    # Locked out: even the right code is refused, by every entry point.
    for entry_point in ENTRY_POINTS:
        err = await _try(hass, entry_point, CODE)
        assert err is not None and err.translation_key == "locked_out"
    assert hass.states.get(HOUSE).state == "disarmed"
    assert len(lockouts) == 1

    clock.advance(300)
    assert await _try(hass, ENTRY_POINTS[1], CODE) is None
    assert hass.states.get(HOUSE).state == "arming"
