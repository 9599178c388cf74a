"""An AlarmDecoder AD2 on a Honeywell/Resideo Vista-20P, emulated.

``AD2Device`` speaks the AD2's line protocol over a ``VistaPanel``;
``AD2Server`` serves it on TCP (like ser2sock), a pty (like an AD2USB) and
an admin HTTP port. See ``docs/ad2-emulator.md``.
"""

from __future__ import annotations

from .device import AD2Device, Line
from .server import AD2Server
from .site import VISTA_SITE, VistaSite, load_vista_site
from .vista import VistaPanel

__all__ = [
    "VISTA_SITE",
    "AD2Device",
    "AD2Server",
    "Line",
    "VistaPanel",
    "VistaSite",
    "load_vista_site",
]
