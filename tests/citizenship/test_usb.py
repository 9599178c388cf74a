"""HA's usb integration marks the serial port a hub uses as taken.

There is no call to claim a port: ``usb`` attributes a port to a config entry
(``homeassistant/components/usb/consumers.py``) when the entry's integration
names ``usb`` in ``dependencies`` or ``after_dependencies`` and the entry's
data holds the port under one of the keys it reads. ZHA and others then show
the port as used by AlarmHub. This reads HA's module as text (importing it
needs ``aiousbwatcher``, which the test venv lacks), so it fails loudly when
HA changes how it finds a port's users.
"""

from __future__ import annotations

import ast
from pathlib import Path

import homeassistant

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
    assert "usb" in manifest["dependencies"] + manifest.get("after_dependencies", [])
    assert (CONF_SERIAL_PORT,) in _key_paths()
    source = CONSUMERS.read_text()
    assert "DOMAIN not in integration.after_dependencies" in source
