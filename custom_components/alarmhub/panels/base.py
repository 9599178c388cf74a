"""The panel interface: what every panel family offers Home Assistant.

A *panel* is one alarm system the integration talks to: the AlarmHub hub
(:mod:`.hub`, its own protocol, able to do everything) or a Honeywell/Resideo
Vista or DSC panel behind an AlarmDecoder (:mod:`.alarmdecoder`, the keypad
bus). Each declares what it can do in :attr:`Panel.capabilities`; Home
Assistant creates entities and accepts actions only for those.

Every panel reports its state as the shared models of :mod:`.models`
(:class:`~.models.HubState` with partitions, zones, users, ...) and pushes
changes as :class:`Event` objects: a state event is named after the kind of
object (``"zone"``, ``"partition"``, ``"user"``) and carries the whole new
object in its dict form (what :meth:`~.models.Zone.from_dict` reads);
``"<kind>_removed"`` carries its ``id``. Other events (``"alarm"``,
``"arm_refused"``, ...) are news for automations. Refusals raise
:class:`~.exceptions.AlarmHubRejectedError` with an
:class:`~.exceptions.ErrorCode`, whichever panel refused.

Nothing here imports Home Assistant, and no panel package imports another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
import random
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .models import ArmMode, ArmOption, HubInfo, HubState


class Capability(StrEnum):
    """Something a panel family can do."""

    ARM_AWAY = "arm_away"
    ARM_HOME = "arm_home"
    ARM_NIGHT = "arm_night"
    #: Bypass a single zone (a bypass switch per zone).
    BYPASS = "bypass"
    #: Add, change and delete user codes.
    USER_CODES = "user_codes"
    #: The panel lists its users itself (otherwise the integration keeps them).
    USER_LIST = "user_list"
    #: The panel's own door locks (lock entities, codes onto them).
    LOCKS = "locks"
    #: Cameras on video recorders, live view and snapshots.
    CAMERAS = "cameras"
    #: Clip export from a recorder (download or cloud upload).
    CLIPS = "clips"
    #: Scenes stored on the panel.
    SCENES = "scenes"
    #: Account upkeep: phone swap.
    ACCOUNT = "account"
    #: Chime on/off per partition.
    CHIME = "chime"
    #: Panel-wide trouble reports (AC power, low battery).
    TROUBLE = "trouble"
    #: A duress code that disarms and raises a silent alarm the panel reports.
    DURESS = "duress"
    #: Codes valid only inside a schedule the panel itself enforces.
    SCHEDULES = "schedules"
    #: Codes with an end that Home Assistant applies: the panel keeps no
    #: schedule, so the code is deleted at the first disarmed moment after it.
    TEMPORARY_CODES = "temporary_codes"


@dataclass(slots=True)
class Backoff:
    """Capped exponential backoff with jitter."""

    initial: float = 1.0
    maximum: float = 60.0
    factor: float = 2.0
    jitter: float = 0.1
    _next: float = 0.0

    def reset(self) -> None:
        """Start again from the initial delay."""
        self._next = 0.0

    def delay(self) -> float:
        """Return the next delay; never more than ``maximum``."""
        self._next = min(self.maximum, max(self.initial, self._next * self.factor))
        spread = self._next * self.jitter
        return min(self.maximum, self._next + random.uniform(-spread, spread))  # noqa: S311


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Something that happened on a panel, numbered by ``seq``."""

    seq: int
    event: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form (the hub protocol's ``evt`` message)."""
        return {"type": "evt", "seq": self.seq, "event": self.event, "data": self.data}


#: Called for every event; the flag is True when events were missed before it.
type EventCallback = Callable[[Event, bool], None]
#: Called with True when the connection comes back, False when it is lost.
type ConnectionCallback = Callable[[bool], None]


class UserChange(StrEnum):
    """A change to a user's code, as :meth:`Panel.change_user` takes it."""

    ADD_USER = "add_user"
    UPDATE_USER = "update_user"
    DELETE_USER = "delete_user"


@runtime_checkable
class Panel(Protocol):
    """One alarm panel, connected over one transport.

    ``connect`` opens the connection and keeps it open (reconnecting with
    backoff) until ``close``. ``get_state`` returns everything the panel
    reports; events push changes in between.
    """

    #: What the panel says about itself, once connected.
    info: HubInfo | None
    #: True once the panel refused our credentials on a reconnect.
    auth_failed: bool
    #: True while reconnecting fails on a changed TLS certificate.
    certificate_changed: bool

    @property
    def capabilities(self) -> frozenset[Capability]:
        """Return what this panel can do."""

    @property
    def connected(self) -> bool:
        """Return True while the connection is up."""

    @property
    def closing(self) -> bool:
        """Return True once :meth:`close` was called."""

    async def connect(self) -> HubInfo:
        """Connect; raise an ``AlarmHubError`` on failure."""

    async def close(self) -> None:
        """Close the connection and stop reconnecting."""

    def subscribe(self, callback: EventCallback) -> Callable[[], None]:
        """Call ``callback`` for every event; return a function that stops it."""

    def on_connection(self, callback: ConnectionCallback) -> Callable[[], None]:
        """Call ``callback`` when the connection is lost or comes back."""

    async def get_state(self, *, known: HubState | None = None) -> HubState:
        """Return the whole state.

        ``known`` is the last state returned, kept up to date by every event
        since: a panel that can tell nothing changed returns it as it is.
        """

    async def arm(
        self,
        partition: str,
        mode: ArmMode,
        *,
        code: str | None = None,
        options: frozenset[ArmOption] = frozenset(),
    ) -> dict[str, Any]:
        """Arm a partition; the result's ``bypassed`` lists zones bypassed by force."""

    async def disarm(self, partition: str, code: str) -> None:
        """Disarm a partition with a user code."""

    async def bypass(self, zone: str, bypassed: bool) -> None:
        """Bypass a zone, or restore it."""

    async def change_user(
        self,
        change: UserChange,
        *,
        change_id: str,
        slot: int | None = None,
        name: str | None = None,
        code: str | None = None,
    ) -> dict[str, Any]:
        """Add, change or delete a user's code (:attr:`Capability.USER_CODES`).

        ``change_id`` makes a repeat harmless: a change the panel already
        applied is answered with its first result. The result's ``user`` is
        the user as :meth:`~.models.User.from_dict` reads it.
        """


@runtime_checkable
class ChimePanel(Panel, Protocol):
    """A panel whose partitions have a chime (:attr:`Capability.CHIME`)."""

    async def set_chime(self, partition: str, on: bool) -> None:
        """Turn a partition's chime on or off."""
