"""A noisy serial line: bytes corrupted or lost at a given rate, reproducibly.

``SimulatorServer.line_noise`` runs every byte the pty carries, both ways,
through one of these. Real UART noise flips bits and loses bytes (framing
errors, overruns); this does both, from a seeded generator so that a failing
run can be replayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import random


@dataclass(slots=True)
class LineNoise:
    """Damage each byte with probability ``rate``: half dropped, half changed."""

    rate: float
    seed: int = 0
    #: Bytes seen, dropped and changed so far.
    total: int = 0
    dropped: int = 0
    corrupted: int = 0
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Seed the generator."""
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        self._random = random.Random(self.seed)  # noqa: S311 - noise, not secrets

    def __call__(self, data: bytes) -> bytes:
        """Return ``data`` as it arrives at the other end of the line."""
        self.total += len(data)
        if self.rate <= 0.0:
            return data
        rnd = self._random
        out = bytearray()
        for byte in data:
            if rnd.random() >= self.rate:
                out.append(byte)
            elif rnd.random() < 0.5:
                self.dropped += 1
            else:
                self.corrupted += 1
                out.append(byte ^ rnd.randrange(1, 256))  # never the same byte
        return bytes(out)
