"""`scaffold options`: the questionnaire as JSON or as a tree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffold import cli
from tests.support.colors import COLOR_CODE


def test_options_json_describes_the_questionnaire(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["options", "--json"]) == 0
    output = capsys.readouterr().out
    report = json.loads(output)

    assert output == json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert report["combinations"] == {
        "total": 88,
        "by_framework": {"django": 44, "flask": 0, "fastapi": 44, "tornado": 0, "pyramid": 0},
    }
    questions = {question["name"]: question for question in report["questions"]}
    assert questions["project_slug"]["default"] == "my_service"
    assert questions["use_async"]["default"] is True
    assert "framework" in questions["use_async"]["default_expression"]
    jwt = next(choice for choice in questions["auth"]["choices"] if choice["value"] == "jwt")
    assert jwt["disabled"] == [
        {"reason": "JWT auth needs a database: users are stored", "when": [{"database": "none"}]}
    ]


def test_options_prints_a_tree_with_the_count(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    assert cli.main(["options"]) == 0
    output = capsys.readouterr().out

    assert "88 valid combinations (django 44, flask 0, fastapi 44, tornado 0, pyramid 0)" in output
    assert "jwt  JWT bearer tokens" in output
    assert "disabled when database=none: JWT auth needs a database: users are stored" in output
    assert "\x1b[" not in output


def test_options_respects_no_color(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")

    assert cli.main(["options"]) == 0
    output = capsys.readouterr().out

    assert "\x1b[1m" in output  # styled, as FORCE_COLOR asks, ...
    assert not COLOR_CODE.search(output)  # ... but without colour, as NO_COLOR asks


def test_options_reads_another_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "copier.yml").write_text(
        "framework:\n  type: str\n  choices: [a, b]\nfast:\n  type: bool\n  default: false\n",
        encoding="utf-8",
    )

    assert cli.main(["options", "--json", "--template", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["combinations"] == {
        "total": 4,
        "by_framework": {"a": 2, "b": 2},
    }
