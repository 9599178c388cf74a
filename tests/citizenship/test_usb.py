"""HA's usb integration marks the serial port a hub uses as taken.

There is no call to claim a port: ``usb`` attributes a port to a config entry
(``homeassistant/components/usb/consumers.py``) when the entry's integration
names ``usb`` in ``dependencies`` or ``after_dependencies`` and the entry's
data holds the port under one of the keys it reads. ZHA and others then show
the port as used by AlarmHub. Like HA's own serial integrations, AlarmHub
names ``usb`` in ``dependencies``: the frontend's serial port selector lists
ports through usb's websocket command, which exists only once usb is loaded.
The first test reads HA's module as text, so it fails loudly when HA changes
how it finds a port's users; the second asks usb over the websocket API.
"""

from __future__ import annotations

import ast
from pathlib import Path

import homeassistant
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.alarmhub.const import CONF_SERIAL_PORT

from .source import COMPONENT, load_json

CONSUMERS = Path(homeassistant.__file__).parent / "components" / "usb" / "consumers.py"


def _key_paths() -> set[tuple[str, ...]]:
    tree = ast.parse(CONSUMERS.read_text())
    for node in tree.body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "SERIAL_PORT_KEY_PATHS"
            and node.value is not None
        ):
            value = ast.literal_eval(node.value)
            return {tuple(path) for path in value}
    raise AssertionError("usb no longer has SERIAL_PORT_KEY_PATHS: check consumers")


def test_usb_finds_our_serial_port() -> None:
    """Our entries keep the port where usb looks, and we name usb."""
    manifest = load_json(COMPONENT / "manifest.json")
    assert "usb" in manifest["dependencies"]
    assert (CONF_SERIAL_PORT,) in _key_paths()
    source = CONSUMERS.read_text()
    assert "DOMAIN not in integration.after_dependencies" in source


async def test_usb_lists_our_port_as_taken(
    hass: HomeAssistant,
    serial_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """The frontend's port list (usb's own websocket command) names AlarmHub.

    ``usb`` is a dependency, so it is loaded with us (its requirement,
    aiousbwatcher, is in requirements_test.txt); ZHA's or another
    integration's port picker then shows the hub's pty as in use.
    """
    serial_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(serial_entry.entry_id)
    await hass.async_block_till_done()
    assert "usb" in hass.config.components
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "usb/list_serial_ports", "include_usage": True}
    )
    answer = await client.receive_json()
    assert answer["success"], answer
    ours = [
        port
        for port in answer["result"]
        if port["device"] == serial_entry.data[CONF_SERIAL_PORT]
    ]
    assert len(ours) == 1, answer["result"]
    assert [
        (user["domain"], user["config_entry_id"], user["active"])
        for user in ours[0]["consumers"]
    ] == [("alarmhub", serial_entry.entry_id, True)]
