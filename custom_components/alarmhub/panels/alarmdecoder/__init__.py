"""A Honeywell/Resideo Vista or DSC panel behind an AlarmDecoder AD2.

HA-free: AD2 lines over a serial port or TCP (ser2sock), parsed with the
``alarmdecoder`` package's message classes through a typed adapter.
"""

from .panel import CAPABILITIES, AlarmDecoderPanel
from .state import PanelType, ZoneConfig
from .transport import AD2Transport, create_transport

__all__ = [
    "CAPABILITIES",
    "AD2Transport",
    "AlarmDecoderPanel",
    "PanelType",
    "ZoneConfig",
    "create_transport",
]
