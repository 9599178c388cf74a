"""scripts/coverage_floor.py: every module of the integration at 95 % or above."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
import sys
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "coverage_floor.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("coverage_floor", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("coverage_floor", module)
    spec.loader.exec_module(module)
    return module


floor = _load()


def summary(lines: tuple[int, int], branches: tuple[int, int]) -> dict[str, Any]:
    """A file's summary as coverage.py writes it: (covered, total) each."""
    return {
        "summary": {
            "covered_lines": lines[0],
            "num_statements": lines[1],
            "covered_branches": branches[0],
            "num_branches": branches[1],
        }
    }


def report(**files: dict[str, Any]) -> dict[str, Any]:
    """A report with branches; ``a__b`` names the file ``a/b.py``."""
    return {
        "meta": {"branch_coverage": True},
        "files": {
            f"{name.replace('__', '/')}.py": data for name, data in files.items()
        },
    }


def write(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "coverage.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_branches_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Lines alone at 100 % do not pass when branches pull a module under 95 %."""
    data = report(
        custom_components__alarmhub__pending=summary((100, 100), (10, 20)),
        custom_components__alarmhub__panels__hub__transports=summary((96, 100), (0, 0)),
        custom_components__alarmhub__share=summary((95, 100), (19, 20)),
        simulator__hub=summary((0, 100), (0, 10)),  # not ours: not checked
    )
    assert floor.main([write(tmp_path, data)]) == 1
    err = capsys.readouterr().err
    assert "custom_components/alarmhub/pending.py: 91.67 %" in err
    assert "share" not in err  # 114 of 120: exactly 95 %, the floor
    assert "transports" not in err
    assert "simulator" not in err


def test_all_above(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = report(custom_components__alarmhub__const=summary((0, 0), (0, 0)))
    assert floor.main([write(tmp_path, data)]) == 0
    assert "95 % or above" in capsys.readouterr().out


@pytest.mark.parametrize(
    "data",
    [
        {"meta": {"branch_coverage": False}, "files": {}},
        report(simulator__hub=summary((1, 1), (0, 0))),
        {
            "meta": {"branch_coverage": True},
            "files": {"custom_components/alarmhub/x.py": {"summary": {}}},
        },
    ],
    ids=["no-branches", "none-of-ours", "malformed"],
)
def test_wrong_report_fails(
    tmp_path: Path, data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """A report that cannot show the floor holds does not pass."""
    assert floor.main([write(tmp_path, data)]) == 2
    assert "cannot check" in capsys.readouterr().err


def test_missing_report(tmp_path: Path) -> None:
    assert floor.main([str(tmp_path / "absent.json")]) == 2
