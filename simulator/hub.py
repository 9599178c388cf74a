"""The simulated hub: identity, event numbering and command dispatch.

Each feature (panel, users, locks, recorders, scenes, account) lives in its own
module and adds its commands to :attr:`Hub.commands` and its collections to
``get_state``. Transports (``server.py``) hand every request to
:meth:`Hub.handle` and subscribe to events with :meth:`Hub.listen`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
import secrets
from typing import Any

from aiohttp import web
import yaml

from custom_components.alarmhub.panels.hub.protocol import (
    PROTOCOL_VERSION,
    ErrorCode,
    Event,
)
from custom_components.alarmhub.panels.models import ArmMode, ArmOption, ZoneType

from .clock import Clock, RealClock
from .panel import Panel, Rejection, SimPartition, SimUser, SimZone

SITES = Path(__file__).parent / "sites"
DEMO_SITE = SITES / "demo.yaml"

type Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
type Listener = Callable[[Event], None]
type StateSource = Callable[[], dict[str, list[dict[str, Any]]]]


def load_site(path: Path | str = DEMO_SITE) -> dict[str, Any]:
    """Read a site file (YAML)."""
    with open(path, encoding="utf-8") as file:
        site = yaml.safe_load(file)
    if not isinstance(site, dict):
        raise TypeError(f"{path}: a site file must be a mapping")
    return site


def _arg[T](args: dict[str, Any], key: str, kind: type[T]) -> T:
    value = args.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise Rejection(ErrorCode.BAD_REQUEST, f"{key} must be {kind.__name__}")
    return value


class Hub:
    """A hub with a panel, driven by a site description."""

    def __init__(
        self,
        site: dict[str, Any],
        *,
        clock: Clock | None = None,
        token: str | None = None,
        pairing: bool = False,
    ) -> None:
        """Build the hub a site file describes."""
        self.clock: Clock = clock or RealClock()
        info = site.get("hub", {})
        self.name: str = info.get("name", "AlarmHub")
        self.model: str = info.get("model", "ADC-HUB-3000")
        self.serial: str = str(info.get("serial", "AH0000001"))
        self.firmware: str = str(info.get("firmware", "1.0.0"))
        self.token: str | None = token if token is not None else info.get("token")
        self.pairing = pairing
        #: ``add_user`` applies a ``schedule`` with the user (the ``schedules``
        #: capability); False plays a hub built before that.
        self.schedules_at_add = True
        self.seq = 0
        #: The seq and state ``get_state`` last answered for (its check).
        self._answered: tuple[int, dict[str, Any]] | None = None
        self._listeners: list[Listener] = []
        self.commands: dict[str, Handler] = {}
        self.state_sources: list[StateSource] = []
        #: HTTP routes a feature serves next to the WebSocket (files, admin).
        self.http_routes: list[web.AbstractRouteDef] = []
        panel = site.get("panel", {})
        self.panel = Panel(
            self.clock,
            self.emit,
            partitions=[
                SimPartition(
                    id=str(p["id"]),
                    name=p["name"],
                    exit_delay=int(p.get("exit_delay", 60)),
                    entry_delay=int(p.get("entry_delay", 30)),
                    options=frozenset(ArmOption(o) for o in p.get("options", [])),
                )
                for p in site.get("partitions", [])
            ],
            zones=[
                SimZone(
                    id=str(z["id"]),
                    name=z["name"],
                    partition=str(z.get("partition", "1")),
                    type=ZoneType(z["type"]),
                    entry_delay=bool(z.get("entry_delay", z["type"] == "door")),
                    open=bool(z.get("open", False)),
                )
                for z in site.get("zones", [])
            ],
            users=[
                SimUser(slot=int(u["slot"]), name=u["name"], code=str(u["code"]))
                for u in site.get("users", [])
            ],
            max_attempts=int(panel.get("max_attempts", 5)),
            lockout_seconds=int(panel.get("lockout_seconds", 300)),
            duress_code=(
                str(panel["duress_code"]) if panel.get("duress_code") else None
            ),
        )
        self.site = site
        self.commands.update(
            get_state=self._get_state,
            arm=self._arm,
            disarm=self._disarm,
            bypass=self._bypass,
        )
        self.state_sources.append(self._panel_state)
        from .features import install_all  # features import Hub

        install_all(self)

    # ----- identity and auth -------------------------------------------

    def hello(self) -> dict[str, Any]:
        """Return what ``hello`` answers."""
        return {
            "model": self.model,
            "serial": self.serial,
            "firmware": self.firmware,
            "name": self.name,
            "protocol": PROTOCOL_VERSION,
            "capabilities": sorted(self.capabilities()),
            "min_code_length": 4,
            "max_code_length": 8,
            "seq": self.seq,
        }

    def capabilities(self) -> set[str]:
        """Return the feature names this hub serves."""
        names = {
            name
            for name in (
                "partitions",
                "zones",
                "users",
                "locks",
                "cameras",
                "scenes",
                "account",
            )
            if self.site.get(name)
        }
        if "users" in names and self.schedules_at_add:
            names.add("schedules")  # set_schedule, and add_user's schedule
        return names

    def check_token(self, token: object) -> bool:
        """Return True when ``token`` is the hub's token (or none is set)."""
        if self.token is None:
            return True
        return isinstance(token, str) and secrets.compare_digest(
            token.encode(), self.token.encode()
        )

    def pair(self) -> dict[str, Any]:
        """Hand out the token while the pairing window is open."""
        if not self.pairing:
            raise Rejection(
                ErrorCode.PAIRING_CLOSED, "press the pairing button on the hub first"
            )
        if self.token is None:
            self.token = secrets.token_urlsafe(24)
        return {"token": self.token}

    # ----- events --------------------------------------------------------

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every event; return an unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def emit(self, event: str, data: dict[str, Any]) -> None:
        """Give an event the next number and hand it to every listener."""
        self.seq += 1
        message = Event(seq=self.seq, event=event, data=data)
        for listener in list(self._listeners):
            listener(message)

    # ----- commands ------------------------------------------------------

    async def handle(self, cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        """Run a command; raise :class:`Rejection` to refuse it."""
        handler = self.commands.get(cmd)
        if handler is None:
            raise Rejection(ErrorCode.UNKNOWN_COMMAND, "unknown command")
        return await handler(args)

    def state(self) -> dict[str, Any]:
        """Return everything ``get_state`` reports."""
        result: dict[str, Any] = {"seq": self.seq}
        for source in self.state_sources:
            result.update(source())
        return result

    def _panel_state(self) -> dict[str, list[dict[str, Any]]]:
        panel = self.panel
        return {
            "partitions": [panel.partition_view(p) for p in panel.partitions.values()],
            "zones": [z.view() for z in panel.zones.values()],
        }

    async def _get_state(self, args: dict[str, Any]) -> dict[str, Any]:
        """Answer ``unchanged`` when nothing changed since ``since_seq``.

        Every change is an event, so the client's ``seq`` says what it has.
        The emulated hub also checks its own bookkeeping where it can: asked
        twice at the same ``seq``, it compares the state with what it
        answered before, and sends everything if they differ.
        """
        state = self.state()
        since = args.get("since_seq")
        if since is not None and (
            not isinstance(since, int) or isinstance(since, bool)
        ):
            raise Rejection(ErrorCode.BAD_REQUEST, "since_seq must be an integer")
        before, self._answered = self._answered, (self.seq, state)
        if since == self.seq and (
            before is None or before[0] != self.seq or before[1] == state
        ):
            return {"seq": self.seq, "unchanged": True}
        return state

    async def _arm(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            mode = ArmMode(_arg(args, "mode", str))
        except ValueError:
            raise Rejection(ErrorCode.BAD_REQUEST, "unknown arming mode") from None
        code = args.get("code")
        if code is not None and not isinstance(code, str):
            raise Rejection(ErrorCode.BAD_REQUEST, "code must be a string")
        options = frozenset(o for o in ArmOption if args.get(o.value) is True)
        return self.panel.arm(args.get("partition"), mode, code=code, options=options)

    async def _disarm(self, args: dict[str, Any]) -> dict[str, Any]:
        self.panel.disarm(args.get("partition"), args.get("code"))
        return {}

    async def _bypass(self, args: dict[str, Any]) -> dict[str, Any]:
        self.panel.bypass(args.get("zone"), _arg(args, "bypassed", bool))
        return {}
