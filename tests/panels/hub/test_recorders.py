"""Tests for the Stream Video Recorder model table (plain pytest, no Home Assistant)."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, strategies as st
import pytest

from custom_components.alarmhub.panels.hub import recorders
from custom_components.alarmhub.panels.hub.recorders import (
    ALL_CLIP_LENGTHS,
    MAX_DOWNLOAD_SECONDS,
    MAX_UPLOAD_SECONDS,
    MODELS,
    PIECE_FALLBACKS,
    ClipLengthNotAllowed,
    Destination,
    RecorderModel,
    UnknownRecorderModel,
    UploadIncompatible,
    check_length,
    fallback_pieces,
    format_length,
    get_model,
    split_plan,
)

# The table as the product documentation gives it, written out independently.
DOWNLOAD_ONLY = ("ADC-SVR100", "ADC-SVR122", "ADC-CSVR126")
UPLOADING = (
    "ADC-SVR210",
    "ADC-CSVR2000P",
    "ADC-CSVR2008P",
    "ADC-CSVR2016P",
    "ADC-CSVR2108P",
    "ADC-CSVR2116P",
)
MINUTE = 60
START = datetime(2026, 11, 27, 10, 7, 0, tzinfo=UTC)


def test_table_matches_the_documentation() -> None:
    assert set(MODELS) == set(DOWNLOAD_ONLY) | set(UPLOADING)
    for name in DOWNLOAD_ONLY:
        assert MODELS[name] == RecorderModel(
            model=name, download_lengths=(30, MINUTE, 5 * MINUTE), upload_lengths=()
        )
    for name in UPLOADING:
        assert MODELS[name] == RecorderModel(
            model=name,
            download_lengths=(30, MINUTE, 5 * MINUTE, 15 * MINUTE),
            upload_lengths=(30, MINUTE, 5 * MINUTE),
        )


@pytest.mark.parametrize("model", list(MODELS.values()), ids=list(MODELS))
def test_limits_hold_for_every_model(model: RecorderModel) -> None:
    assert MAX_DOWNLOAD_SECONDS == 15 * MINUTE
    assert MAX_UPLOAD_SECONDS == 5 * MINUTE
    assert model.download_lengths
    assert max(model.download_lengths) <= MAX_DOWNLOAD_SECONDS
    assert max(model.upload_lengths, default=0) <= MAX_UPLOAD_SECONDS
    assert model.upload_compatible == (model.model in UPLOADING)
    for lengths in (model.download_lengths, model.upload_lengths):
        assert list(lengths) == sorted(set(lengths))
        assert set(lengths) <= set(ALL_CLIP_LENGTHS)
    # Every model can fetch a long clip as pieces of each fallback length.
    assert set(PIECE_FALLBACKS) <= set(model.download_lengths)


def test_all_clip_lengths() -> None:
    assert ALL_CLIP_LENGTHS == (30, 60, 300, 900)


def test_models_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        MODELS["ADC-FAKE"] = MODELS["ADC-SVR100"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        MODELS["ADC-SVR100"].upload_lengths = (30,)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            (RecorderModel(model="X-1", download_lengths=(30, 1800)),),
            "download lengths exceed 900",
        ),
        (
            (
                RecorderModel(
                    model="X-1", download_lengths=(30,), upload_lengths=(30, 900)
                ),
            ),
            "upload lengths exceed 300",
        ),
        ((RecorderModel(model="X-1", download_lengths=()),), "no download"),
        ((RecorderModel(model="X-1", download_lengths=(60, 30)),), "ascending"),
        ((RecorderModel(model="X-1", download_lengths=(0, 30)),), "positive"),
        ((RecorderModel(model="X-1", download_lengths=(40, 60)),), "divide"),
        ((RecorderModel(model="x-1", download_lengths=(30,)),), "model name"),
        (
            (
                RecorderModel(model="X-1", download_lengths=(30,)),
                RecorderModel(model="X-1", download_lengths=(60,)),
            ),
            "duplicate",
        ),
    ],
)
def test_bad_tables_are_refused(table: tuple[RecorderModel, ...], message: str) -> None:
    with pytest.raises(RuntimeError, match=message):
        recorders._build(table)


@pytest.mark.parametrize("name", ["ADC-SVR210", "adc-svr210", "  Adc-Svr210 \n"])
def test_get_model(name: str) -> None:
    assert get_model(name) is MODELS["ADC-SVR210"]


@pytest.mark.parametrize("name", ["", "ADC-SVR999", "SVR210", None, 210])
def test_get_unknown_model(name: object) -> None:
    with pytest.raises(UnknownRecorderModel) as caught:
        get_model(name)  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)
    assert not isinstance(caught.value, KeyError)
    assert caught.value.model == str(name)


@pytest.mark.parametrize("name", UPLOADING)
@pytest.mark.parametrize("length", [30, 60, 300])
def test_uploading_models_accept(name: str, length: int) -> None:
    check_length(name, length, Destination.UPLOAD)
    check_length(get_model(name), length, Destination.DOWNLOAD)


@pytest.mark.parametrize("name", UPLOADING)
def test_uploading_models_download_15_minutes_but_upload_5(name: str) -> None:
    check_length(name, 900, Destination.DOWNLOAD)
    with pytest.raises(ClipLengthNotAllowed) as caught:
        check_length(name, 900, Destination.UPLOAD)
    error = caught.value
    assert error.allowed == (30, 60, 300)
    assert error.destination is Destination.UPLOAD
    assert error.length == 900
    assert error.model == name
    assert "30 s, 1 min, 5 min" in str(error)


@pytest.mark.parametrize("name", DOWNLOAD_ONLY)
def test_download_only_models(name: str) -> None:
    for length in (30, 60, 300):
        check_length(name, length, Destination.DOWNLOAD)
    with pytest.raises(ClipLengthNotAllowed) as caught:
        check_length(name, 900, Destination.DOWNLOAD)
    assert caught.value.allowed == (30, 60, 300)
    assert caught.value.destination is Destination.DOWNLOAD
    # Upload is refused as such, whatever the length.
    for length in (30, 900, 7):
        with pytest.raises(UploadIncompatible) as incompatible:
            check_length(name, length, Destination.UPLOAD)
        assert incompatible.value.model == name
        assert isinstance(incompatible.value, ValueError)


@pytest.mark.parametrize("length", [0, -30, 45, 120, 3600, True, 30.0])
def test_odd_lengths_are_refused(length: int) -> None:
    with pytest.raises(ClipLengthNotAllowed):
        check_length("ADC-SVR210", length, Destination.DOWNLOAD)


def test_check_length_accepts_plain_strings() -> None:
    check_length("ADC-SVR210", 300, "upload")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sideways"):
        check_length("ADC-SVR210", 300, "sideways")  # type: ignore[arg-type]
    with pytest.raises(UnknownRecorderModel):
        check_length("ADC-NOPE", 300, Destination.DOWNLOAD)


def test_lengths_by_destination() -> None:
    model = get_model("ADC-SVR210")
    assert model.lengths(Destination.DOWNLOAD) == model.download_lengths
    assert model.lengths(Destination.UPLOAD) == model.upload_lengths


@pytest.mark.parametrize(
    ("seconds", "text"), [(30, "30 s"), (60, "1 min"), (300, "5 min"), (900, "15 min")]
)
def test_format_length(seconds: int, text: str) -> None:
    assert format_length(seconds) == text


def test_piece_fallbacks() -> None:
    assert PIECE_FALLBACKS == (300, 60, 30)
    assert fallback_pieces(900) == (300, 60, 30)
    assert fallback_pieces(300) == (60, 30)
    assert fallback_pieces(60) == (30,)
    assert fallback_pieces(30) == ()


def test_split_plan() -> None:
    assert split_plan(START, 900, 300) == [
        (START, 300),
        (START + timedelta(minutes=5), 300),
        (START + timedelta(minutes=10), 300),
    ]
    assert split_plan(START, 60, 60) == [(START, 60)]
    assert split_plan(START, 60, 300) == [(START, 60)]
    assert split_plan(START, 90, 60) == [
        (START, 60),
        (START + timedelta(seconds=60), 30),
    ]


@pytest.mark.parametrize(("length", "piece"), [(0, 30), (-60, 30), (60, 0), (60, -30)])
def test_split_plan_refuses_non_positive(length: int, piece: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        split_plan(START, length, piece)


@pytest.mark.parametrize("length", ALL_CLIP_LENGTHS)
def test_every_fallback_splits_into_whole_pieces(length: int) -> None:
    for piece in fallback_pieces(length):
        plan = split_plan(START, length, piece)
        assert len(plan) == length // piece
        assert {seconds for _, seconds in plan} == {piece}


@given(
    st.integers(min_value=1, max_value=4 * 3600),
    st.integers(min_value=1, max_value=3600),
)
def test_split_plan_covers_the_span_exactly(length: int, piece: int) -> None:
    plan = split_plan(START, length, piece)
    cursor = START
    for piece_start, seconds in plan:
        assert piece_start == cursor
        assert 0 < seconds <= piece
        cursor += timedelta(seconds=seconds)
    assert cursor == START + timedelta(seconds=length)
    assert all(seconds == piece for _, seconds in plan[:-1])


def test_module_does_not_import_home_assistant() -> None:
    tree = ast.parse(Path(recorders.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        else:
            continue
        assert not any(name.split(".")[0] == "homeassistant" for name in names)
