"""Diagnostics: the hub's state for a bug report, with nothing personal in it.

Codes and tokens are never held; keys that name personal or locating data
(host, serial port, serial numbers, phone, e-mail, recipients) are redacted;
and e-mail addresses and phone numbers are found and redacted in free text
too (an installer may put them in any name).
"""

from __future__ import annotations

import json
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.alarmhub.diagnostics import redact_personal

from .conftest import TOKEN

PERSONAL = [
    "kim@example.com",
    "+1 555 555 0199",
    "+15555550123",
    "(555) 555-0142",
    "555.555.0177",
]


@pytest.fixture
def site(site: dict[str, Any]) -> dict[str, Any]:
    """Hide personal data in names, as an installer might."""
    site["users"][2]["name"] = "Kim kim@example.com"
    site["zones"][0]["name"] = "Front door (+1 555 555 0199)"
    site["zones"][1]["name"] = "Back door, (555) 555-0142"
    site["partitions"][1]["name"] = "Garage 555.555.0177"
    return site


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """The snapshot shows what is kept; no secret or personal datum is."""
    hass.config_entries.async_update_entry(
        init_integration, options={"note": "call +15555550123 first"}
    )
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    assert diagnostics == snapshot(exclude=props("port"))  # a random test port
    text = json.dumps(diagnostics)
    for secret in [TOKEN, "4826", "7391", "5064", "127.0.0.1", *PERSONAL]:
        assert secret not in text, secret
    assert "Front door" in text  # the rest of the name stays


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("alex@example.com", "**REDACTED**"),
        ("Alex <alex.b+home@mail.example.co.uk>", "Alex <**REDACTED**>"),
        ("+15555550123", "**REDACTED**"),
        ("+44 20 7946 0958 (office)", "**REDACTED** (office)"),
        ("(555) 555-0142", "**REDACTED**"),
        ("2026-09-21T14:13:20+00:00", "2026-09-21T14:13:20+00:00"),
        ("ADC-CSVR2008P", "ADC-CSVR2008P"),
        ("Zone 12", "Zone 12"),
    ],
)
def test_redact_personal(text: str, redacted: str) -> None:
    """E-mail addresses and phone numbers go; times, models and numbers stay."""
    assert redact_personal({"a": [text, {text}]}) == {"a": [redacted, [redacted]]}
