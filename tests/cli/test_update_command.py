"""`scaffold update`: changes, conflicts, next steps, refusals and Ctrl-C."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold import cli
from scaffold.cli import update
from tests.support.template_repo import commit, write


def test_update_prints_changes_conflicts_and_next_steps(
    tiny_project: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("COLUMNS", "200")
    template, project = tiny_project
    write(project, {"notes.txt": "my notes\n"})
    commit(project, "edit")
    readme = "# {{ name }}\n\n## Test\n\n```bash\npytest -q\n```\n"
    write(template, {"templates/web/notes.txt": "template notes\n",
                     "templates/web/README.md.jinja": readme})  # fmt: skip
    commit(template, "v2", tag="v2")
    capsys.readouterr()

    assert cli.main(["update", str(project)]) == 1  # a conflict is left to resolve
    output = capsys.readouterr().out

    assert "from v1 to v2" in output
    assert "conflict  notes.txt" in output
    assert "changed   README.md" in output
    assert "git add notes.txt" in output
    assert "pytest -q" in output  # the project's own test command, from its README

    assert cli.main(["update", str(project)]) == 1
    assert "uncommitted changes" in capsys.readouterr().err


def test_update_refuses_a_switch_with_the_templates_reason(
    tiny_project: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, project = tiny_project
    capsys.readouterr()

    assert cli.main(["update", str(project), "-d", "kind=worker"]) == 1
    err = capsys.readouterr().err

    assert "cannot switch from web to worker on update" in err
    assert err.count("\n") == 1


def test_ctrl_c_during_an_update_says_the_project_is_unchanged(
    tiny_project: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(update.render, "update", interrupted)
    capsys.readouterr()

    assert cli.main(["update", str(tiny_project[1])]) == 130
    assert capsys.readouterr().err == (
        "Error: Cancelled: the project is as it was before the update.\n"
    )
