"""One user's code on one household lock, and how a schedule moves it.

States of an :class:`Assignment`:

* ``pending``: the code waits to be set (the code is kept until it is);
* ``in_sync``: the code is on the lock;
* ``removing``: the slot waits to be cleared;
* ``failed``: with a reason;
* ``suspending``: the user's schedule has closed, the code waits to be taken
  off the lock (disabled where the stack can, else cleared);
* ``scheduled_off``: the code is off the lock until the schedule opens;
* ``resuming``: the schedule has opened, a disabled code waits to be enabled.

A code is kept (in the manager's private store, nowhere else) while it waits
to be set, and while the user has a schedule and the lock cannot disable a
code: clearing it at a closing edge must not lose it for the opening edge.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from enum import StrEnum

from .base import LockLimits, SlotReading


class SyncState(StrEnum):
    """Where a user's code stands on one household lock."""

    PENDING = "pending"
    IN_SYNC = "in_sync"
    REMOVING = "removing"
    FAILED = "failed"
    SUSPENDING = "suspending"
    SCHEDULED_OFF = "scheduled_off"
    RESUMING = "resuming"


#: States in which something waits to be done on the lock.
WORK = frozenset(
    {
        SyncState.PENDING,
        SyncState.REMOVING,
        SyncState.SUSPENDING,
        SyncState.RESUMING,
    }
)
#: States in which the code is (or is about to be) usable at the lock.
ON = frozenset({SyncState.PENDING, SyncState.IN_SYNC, SyncState.RESUMING})
#: States in which the code is (or is about to be) off for the schedule.
OFF = frozenset({SyncState.SUSPENDING, SyncState.SCHEDULED_OFF})


@dataclass(slots=True)
class Assignment:
    """One user's code on one lock."""

    state: SyncState
    slot: int | None = None
    reason: str | None = None
    code: str | None = None
    attempts: int = 0

    def __repr__(self) -> str:
        """Show everything but the code."""
        return f"Assignment({self.state}, slot={self.slot}, reason={self.reason})"

    def close(self) -> bool:
        """Take the code off (the schedule closed); say if anything changed."""
        if self.state not in ON:
            return False
        if self.slot is None:  # never reached the lock: just keep it waiting
            self.state = SyncState.SCHEDULED_OFF
        else:
            self.state = SyncState.SUSPENDING
        self.reason, self.attempts = None, 0
        return True

    def open(self, can_disable: bool) -> bool:
        """Bring the code back (the schedule opened); say if anything changed."""
        if self.state not in OFF:
            return False
        if self.code is not None:
            self.state = SyncState.PENDING  # set it again (ZHA: and enable)
        elif self.state is SyncState.SUSPENDING and not can_disable:
            self.state = SyncState.IN_SYNC  # nothing was taken off yet
        else:
            # Enable it; a lock that can only clear says it lacks the code.
            self.state = SyncState.RESUMING
        self.reason, self.attempts = None, 0
        return True


def free_slot(
    limits: LockLimits, reading: SlotReading | None, held: Set[int | None]
) -> int | None:
    """Return a slot nobody uses: not on the lock, not ``held`` by another user.

    A lock that cannot be read is filled from its last slot down: codes set at
    the lock itself usually sit in the first slots.
    """
    slots = range(limits.first_slot, limits.last_slot + 1)
    for slot in slots if reading is not None else reversed(slots):
        if slot not in (reading or {}) and slot not in held:
            return slot
    return None
