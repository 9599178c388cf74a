"""serialx's DEBUG lines never show our bytes while a port of ours is open."""

from __future__ import annotations

import logging

from custom_components.alarmhub.panels.serial_secrets import HIDE_BYTES

SERIALX = logging.getLogger("serialx.descriptor_transport")


def _record(args: tuple[object, ...]) -> logging.LogRecord:
    return SERIALX.makeRecord(
        SERIALX.name, logging.DEBUG, __file__, 1, "wrote %s to %s", args, None
    )


def test_bytes_become_their_length_while_a_port_is_open() -> None:
    """A disarm frame's bytes are replaced; the other arguments stay."""
    assert HIDE_BYTES in SERIALX.filters
    HIDE_BYTES.open_ports += 1
    try:
        record = _record((b"\x01disarm 4826\x04", "/dev/ttyUSB0"))
        assert HIDE_BYTES.filter(record)
        assert record.getMessage() == "wrote <13 bytes> to /dev/ttyUSB0"
        # One mapping argument: logging keeps it as the args (not a tuple),
        # for %(name)s formats; serialx does not log so, and it is left alone.
        mapping = _record(({"port": "/dev/ttyUSB0"},))
        assert HIDE_BYTES.filter(mapping)
        assert mapping.args == {"port": "/dev/ttyUSB0"}
    finally:
        HIDE_BYTES.open_ports -= 1


def test_other_ports_lines_untouched_when_none_of_ours_is_open() -> None:
    """With no port of ours open, serialx's lines are left as they are."""
    record = _record((b"abc", "/dev/ttyACM0"))
    assert HIDE_BYTES.filter(record)
    assert record.args == (b"abc", "/dev/ttyACM0")
