"""`scaffold check`: exit codes and output, up to date or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffold import cli
from tests.support.template_repo import commit, write


def test_check_exit_codes(
    tiny_project: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    template, project = tiny_project
    capsys.readouterr()

    assert cli.main(["check", str(project)]) == 0
    assert "Up to date: v1 is the newest release" in capsys.readouterr().out

    write(template, {"templates/web/notes.txt": "v2\n"})
    commit(template, "v2", tag="v2")
    assert cli.main(["check", str(project)]) == 1
    assert "A newer template version exists: v1 -> v2" in capsys.readouterr().out
    assert cli.main(["check", str(project), "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == {
        "current": "v1", "latest": "v2", "outdated": True, "source": str(template)
    }  # fmt: skip

    assert cli.main(["check", str(project.parent)]) == 2
    assert "no .copier-answers.yml" in capsys.readouterr().err
