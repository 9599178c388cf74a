"""``python -m simulator --ad2-tcp``/``--ad2-pty`` and the AD2 ``ctl`` verbs."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from ..clock import RealClock
from .device import AD2Device
from .server import AD2Server
from .site import load_vista_site

#: ctl verb -> (method, path, body); ``{zone}``/``{n}`` come from the argument.
VERBS: dict[str, tuple[str, dict[str, Any]]] = {
    "fault": ("/admin/zones/{zone}", {"open": True}),
    "restore": ("/admin/zones/{zone}", {"open": False}),
    "trouble": ("/admin/zones/{zone}", {"trouble": True}),
    "trouble-clear": ("/admin/zones/{zone}", {"trouble": False}),
    "rf-battery-low": ("/admin/zones/{zone}", {"battery_low": True}),
    "rf-battery-ok": ("/admin/zones/{zone}", {"battery_low": False}),
    "ac-loss": ("/admin/power", {"ac": False}),
    "ac-restore": ("/admin/power", {"ac": True}),
    "battery-low": ("/admin/power", {"battery_low": True}),
    "battery-ok": ("/admin/power", {"battery_low": False}),
    "keys": ("/admin/keys", {}),
    "advance": ("/admin/clock/advance", {}),
    "silent": ("/admin/line", {"mode": "silent"}),
    "deaf": ("/admin/line", {"mode": "deaf"}),
    "answer": ("/admin/line", {"mode": "normal"}),
    "garbage": ("/admin/line", {}),
}


def request_for(verb: str, argument: str) -> tuple[str, dict[str, Any]]:
    """Return the admin path and JSON body for an AD2 ``ctl`` verb."""
    path, body = VERBS[verb]
    body = dict(body)
    if verb == "keys":
        body["keys"] = argument
    elif verb == "advance":
        body["seconds"] = float(argument or 1)
    elif verb == "garbage":
        body["garbage"] = int(argument or 1)
    elif "{zone}" in path:
        if not argument.isdigit():
            raise SystemExit(f"ctl {verb} needs a zone number")
        path = path.format(zone=int(argument))
    return path, body


def _host_port(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    return host or "127.0.0.1", int(port)


def _link(link: Path, target: str) -> None:
    """Point a stable name at the pty (its /dev/pts number changes)."""
    link.unlink(missing_ok=True)
    link.symlink_to(target)


async def serve(args: argparse.Namespace) -> None:
    """Run the AD2 emulator until interrupted."""
    site = load_vista_site(args.site)
    host, port = args.http
    tcp_host, tcp_port = _host_port(args.ad2_tcp) if args.ad2_tcp else (host, None)
    server = AD2Server(
        AD2Device(site, RealClock()),
        host=tcp_host,
        tcp_port=tcp_port,
        pty=args.ad2_pty,
        http_port=port,
        pty_pacing=115200 if args.pace_serial else None,
    )
    await server.start()
    print(f"AD2 (Vista-20P) admin on {server.url}/admin/state", flush=True)
    if server.tcp_port is not None:
        print(f"AD2 like ser2sock on {tcp_host}:{server.tcp_port}", flush=True)
    if server.pty_path:
        if args.pty_link:  # linked before it is announced
            _link(Path(args.pty_link), server.pty_path)
        print(f"AD2 serial line on {server.pty_path} (115200 8N1)", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()
