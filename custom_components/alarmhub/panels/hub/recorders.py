"""Stream Video Recorder models and the clip lengths each one allows.

A Stream Video Recorder (SVR) keeps continuous recordings from the cameras on
a site. A client asks it for a clip of a fixed length, either to *download*
(the client fetches the file) or to *upload* (the recorder pushes the clip to
the cloud). Which lengths are allowed depends on the model, and some models
cannot upload at all. This module is the one place that knows the table::

    models                                  download lengths     upload lengths
    ADC-SVR100, ADC-SVR122, ADC-CSVR126     30 s, 1, 5 min       (incompatible)
    ADC-SVR210, ADC-CSVR2000P,              30 s, 1, 5, 15 min   30 s, 1, 5 min
    ADC-CSVR2008P, ADC-CSVR2016P,
    ADC-CSVR2108P, ADC-CSVR2116P

No model downloads more than :data:`MAX_DOWNLOAD_SECONDS` or uploads more than
:data:`MAX_UPLOAD_SECONDS` in one clip; the table is checked against those
limits when the module is imported.

A recorder on a slow link may time out on a long clip. The client then fetches
the same span in shorter pieces (:data:`PIECE_FALLBACKS`, :func:`split_plan`)
and joins them. Every allowed length divides every longer allowed length (also
checked at import), so a span of any allowed length splits into whole pieces
of any shorter allowed length.

This module does not import Home Assistant; the hub simulator uses it too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Final

#: The longest clip any recorder downloads, in seconds.
MAX_DOWNLOAD_SECONDS: Final = 900
#: The longest clip any recorder uploads, in seconds.
MAX_UPLOAD_SECONDS: Final = 300


class Destination(StrEnum):
    """Where a requested clip goes."""

    DOWNLOAD = "download"
    UPLOAD = "upload"


class UnknownRecorderModel(ValueError):
    """A model name that is not in the recorder table."""

    def __init__(self, model: str) -> None:
        """Record the unknown name."""
        super().__init__(f"unknown Stream Video Recorder model {model!r}")
        self.model = model


class UploadIncompatible(ValueError):
    """The recorder model cannot upload clips at all."""

    def __init__(self, model: str) -> None:
        """Record the model that cannot upload."""
        super().__init__(f"{model} cannot upload clips")
        self.model = model


class ClipLengthNotAllowed(ValueError):
    """The recorder model does not offer this clip length for this destination."""

    def __init__(
        self,
        *,
        model: str,
        length: int,
        destination: Destination,
        allowed: tuple[int, ...],
    ) -> None:
        """Record what was asked for and what would have been accepted."""
        choices = ", ".join(format_length(value) for value in allowed)
        super().__init__(
            f"{model} cannot {destination} a clip of {length} s; allowed: {choices}"
        )
        self.model = model
        self.length = length
        self.destination = destination
        self.allowed = allowed


@dataclass(frozen=True, slots=True, kw_only=True)
class RecorderModel:
    """One Stream Video Recorder model and the clip lengths it allows.

    Lengths are in seconds, ascending. An empty ``upload_lengths`` means the
    model cannot upload.
    """

    model: str
    download_lengths: tuple[int, ...]
    upload_lengths: tuple[int, ...] = ()

    @property
    def upload_compatible(self) -> bool:
        """Return whether the model can upload clips at all."""
        return bool(self.upload_lengths)

    def lengths(self, destination: Destination) -> tuple[int, ...]:
        """Return the clip lengths allowed for ``destination``."""
        if Destination(destination) is Destination.UPLOAD:
            return self.upload_lengths
        return self.download_lengths


_SHORT: Final = (30, 60, 300)
_LONG: Final = (30, 60, 300, 900)

_TABLE: Final = (
    RecorderModel(model="ADC-SVR100", download_lengths=_SHORT),
    RecorderModel(model="ADC-SVR122", download_lengths=_SHORT),
    RecorderModel(model="ADC-CSVR126", download_lengths=_SHORT),
    RecorderModel(model="ADC-SVR210", download_lengths=_LONG, upload_lengths=_SHORT),
    RecorderModel(model="ADC-CSVR2000P", download_lengths=_LONG, upload_lengths=_SHORT),
    RecorderModel(model="ADC-CSVR2008P", download_lengths=_LONG, upload_lengths=_SHORT),
    RecorderModel(model="ADC-CSVR2016P", download_lengths=_LONG, upload_lengths=_SHORT),
    RecorderModel(model="ADC-CSVR2108P", download_lengths=_LONG, upload_lengths=_SHORT),
    RecorderModel(model="ADC-CSVR2116P", download_lengths=_LONG, upload_lengths=_SHORT),
)


def _check_lengths(model: str, kind: str, lengths: tuple[int, ...], limit: int) -> None:
    if list(lengths) != sorted(set(lengths)):
        raise RuntimeError(f"{model}: {kind} lengths must be ascending and unique")
    if any(type(value) is not int or value <= 0 for value in lengths):
        raise RuntimeError(f"{model}: {kind} lengths must be positive integers")
    if lengths and lengths[-1] > limit:
        raise RuntimeError(f"{model}: {kind} lengths exceed {limit} s")
    for index, shorter in enumerate(lengths):
        for longer in lengths[index + 1 :]:
            if longer % shorter:
                raise RuntimeError(f"{model}: {shorter} s does not divide {longer} s")


def _build(table: tuple[RecorderModel, ...]) -> Mapping[str, RecorderModel]:
    """Check the table's invariants and index it by model name."""
    models: dict[str, RecorderModel] = {}
    for entry in table:
        if entry.model != entry.model.strip().upper() or entry.model in models:
            raise RuntimeError(f"bad or duplicate model name {entry.model!r}")
        if not entry.download_lengths:
            raise RuntimeError(f"{entry.model}: no download lengths")
        _check_lengths(
            entry.model, "download", entry.download_lengths, MAX_DOWNLOAD_SECONDS
        )
        _check_lengths(entry.model, "upload", entry.upload_lengths, MAX_UPLOAD_SECONDS)
        models[entry.model] = entry
    return MappingProxyType(models)


#: Every known model, by its name as the hub reports it (upper case).
MODELS: Final[Mapping[str, RecorderModel]] = _build(_TABLE)

#: Every clip length any model allows for any destination, ascending.
ALL_CLIP_LENGTHS: Final[tuple[int, ...]] = tuple(
    sorted(
        {length for entry in _TABLE for length in entry.download_lengths}
        | {length for entry in _TABLE for length in entry.upload_lengths}
    )
)
_check_lengths("(all models)", "clip", ALL_CLIP_LENGTHS, MAX_DOWNLOAD_SECONDS)

#: Piece lengths to fall back to, in order, when a recorder times out on a
#: long clip: each shorter than the one before (300 -> 60 -> 30). Every model
#: downloads all of them.
PIECE_FALLBACKS: Final[tuple[int, ...]] = tuple(
    sorted(
        (
            length
            for length in ALL_CLIP_LENGTHS
            if length < MAX_DOWNLOAD_SECONDS
            and all(length in entry.download_lengths for entry in _TABLE)
        ),
        reverse=True,
    )
)


def format_length(seconds: int) -> str:
    """Return a clip length for people: ``30 s``, ``1 min``, ``15 min``."""
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def get_model(name: str) -> RecorderModel:
    """Return the model called ``name`` (case and surrounding space ignored).

    Raises :class:`UnknownRecorderModel` for a name not in the table.
    """
    try:
        return MODELS[name.strip().upper()]
    except KeyError, AttributeError:
        raise UnknownRecorderModel(str(name)) from None


def check_length(
    model: RecorderModel | str, length: int, destination: Destination
) -> None:
    """Raise unless ``model`` allows a clip of ``length`` seconds to ``destination``.

    Raises :class:`UploadIncompatible` for an upload to a model that cannot
    upload, :class:`ClipLengthNotAllowed` for a length the model does not
    offer, and :class:`UnknownRecorderModel` for an unknown model name.
    """
    entry = model if isinstance(model, RecorderModel) else get_model(model)
    destination = Destination(destination)
    if destination is Destination.UPLOAD and not entry.upload_compatible:
        raise UploadIncompatible(entry.model)
    allowed = entry.lengths(destination)
    if type(length) is not int or length not in allowed:
        raise ClipLengthNotAllowed(
            model=entry.model, length=length, destination=destination, allowed=allowed
        )


def fallback_pieces(length: int) -> tuple[int, ...]:
    """Return the piece lengths to try, in order, after ``length`` timed out."""
    return tuple(piece for piece in PIECE_FALLBACKS if piece < length)


def split_plan(start: datetime, length: int, piece: int) -> list[tuple[datetime, int]]:
    """Split the span ``[start, start + length)`` into pieces of ``piece`` seconds.

    Returns ``(piece_start, piece_length)`` pairs, in order, covering the span
    exactly. The last piece is shorter when ``piece`` does not divide
    ``length``; with lengths from the table it always does. A ``piece`` at
    least as long as ``length`` gives the whole span as one piece.
    """
    if type(length) is not int or length <= 0:
        raise ValueError(f"length must be a positive number of seconds, not {length!r}")
    if type(piece) is not int or piece <= 0:
        raise ValueError(f"piece must be a positive number of seconds, not {piece!r}")
    return [
        (start + timedelta(seconds=offset), min(piece, length - offset))
        for offset in range(0, length, piece)
    ]
