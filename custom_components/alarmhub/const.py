"""Constants for the AlarmHub integration."""

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "alarmhub"
LOGGER = logging.getLogger(__package__)

MANUFACTURER: Final = "AlarmHub"
SCAN_INTERVAL: Final = timedelta(seconds=30)

CONF_TRANSPORT: Final = "transport"
CONF_SERIAL_PORT: Final = "serial_port"
CONF_BAUDRATE: Final = "baudrate"
CONF_FINGERPRINT: Final = "fingerprint"
#: A flow field only: True pins the hub's certificate (CONF_FINGERPRINT).
CONF_TLS: Final = "tls"

#: Which panel family an entry talks to (absent in entries made before: the hub).
CONF_PANEL: Final = "panel"
PANEL_HUB: Final = "hub"
PANEL_ALARMDECODER: Final = "alarmdecoder"
#: AlarmDecoder entries: Vista or DSC, the keypad address, the master code.
CONF_PANEL_TYPE: Final = "panel_type"
CONF_KEYPAD_ADDRESS: Final = "keypad_address"
CONF_MASTER_CODE: Final = "master_code"
#: AlarmDecoder options: the zones, by number, with name and type.
CONF_ZONES: Final = "zones"
#: ser2sock's usual port.
DEFAULT_AD2_PORT: Final = 10000

TRANSPORT_NETWORK: Final = "network"
TRANSPORT_SERIAL: Final = "serial"

DEFAULT_PORT: Final = 8900
DEFAULT_BAUDRATE: Final = 115200

#: Options flow: default arming options per arm mode, e.g. ``arm_away_options``.
ARM_OPTIONS_KEY: Final = "arm_{mode}_options"
