"""Keep serialx's DEBUG lines from showing the bytes we write (codes).

serialx logs every byte it reads and writes at DEBUG, and a disarm request
(hub) or a keypad sequence (AD2) holds a user's or the master code. Which port
a line is about cannot be told, so while any of our serial ports is open,
bytes in serialx's lines are replaced by their length (for every port: the
safe side). Both panel families count their open ports here.
"""

from __future__ import annotations

import logging


class _HideBytes(logging.Filter):
    """Replace bytes arguments by their length while a port of ours is open."""

    open_ports = 0

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if self.open_ports and isinstance(args, tuple):
            record.args = tuple(
                f"<{len(a)} bytes>"
                if isinstance(a, bytes | bytearray | memoryview)
                else a
                for a in args
            )
        return True


HIDE_BYTES = _HideBytes()
logging.getLogger("serialx.descriptor_transport").addFilter(HIDE_BYTES)
