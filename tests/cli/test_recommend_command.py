"""`scaffold recommend`: the ranking, as a table or as JSON."""

from __future__ import annotations

import json
import re

import pytest

from scaffold import cli
from scaffold.questionnaire import Questionnaire
from tests.support.colors import COLOR_CODE


def test_recommend_realtime_ranks_tornado_first(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    without_tornado: Questionnaire,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")

    template = str(without_tornado.path)
    assert cli.main(["recommend", "--need", "realtime", "--template", template]) == 0
    output = capsys.readouterr().out

    rows = [line for line in output.splitlines() if re.match(r"^│ \d ", line)]
    assert "Tornado (best fit)" in rows[0]
    assert "real-time communication" in output
    assert "Tornado is not available yet" in output  # copier.yml's reason
    assert "Next best available: FastAPI (scaffold new --framework fastapi)" in output
    assert "use_async=true" in output


def test_recommend_json_is_stable_and_rules_tornado_out_for_serverless(
    capsys: pytest.CaptureFixture[str], all_enabled: Questionnaire
) -> None:
    argv = ["recommend", "--need", "realtime,serverless", "--json", "--template"]
    assert cli.main([*argv, str(all_enabled.path)]) == 0
    output = capsys.readouterr().out
    report = json.loads(output)

    assert output == json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert report["needs"] == ["realtime", "serverless"]
    assert report["recommended"] == report["best_available"] == "fastapi"
    assert report["ranking"][0]["framework"] == "fastapi"
    tornado = report["ranking"][-1]
    assert tornado["framework"] == "tornado"
    assert tornado["excluded_by"] == [
        "Tornado serves long-lived connections, which AWS Lambda cannot hold"  # copier.yml's
    ]
    assert tornado["available"] is True
    assert {"option": "serverless", "value": True, "reasons": ["adds the AWS Lambda handler"]} in (
        report["suggested_options"]
    )


def test_recommend_needs_a_need(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["recommend"]) == 2
    assert "--need" in capsys.readouterr().err


def test_unknown_need_is_one_line_with_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["recommend", "--need", "chat"]) == 1
    err = capsys.readouterr().err

    assert err.count("\n") == 1
    assert err.startswith("Error: Unknown need 'chat'")


def test_recommend_respects_no_color(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")

    assert cli.main(["recommend", "--need", "api"]) == 0
    assert not COLOR_CODE.search(capsys.readouterr().out)
