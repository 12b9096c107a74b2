"""Unit tests for scaffold.render: template sources, rendering into place, update and check.

Named test_rendering.py because tests/matrix/test_render.py exists (pytest needs unique basenames).
A tiny template keeps these fast; tests/update/ runs the same lifecycle on the real templates.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from copier._main import Worker

from scaffold import __version__, own_template, render
from scaffold.compile_cache import CACHE_DIR_VARIABLE
from scaffold.errors import RenderError, UpdateError, UserError
from scaffold.own_template import is_own_source, stored_template, template_root
from scaffold.sources import open_template
from tests.support.template_repo import (
    commit,
    git,
    is_clean,
    new_repo,
    tiny_template,
    write,
)


def answers_of(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))


def generate(template: Path | str, dest: Path, **kwargs: Any) -> render.Rendered:
    vcs_ref = kwargs.pop("vcs_ref", None)
    with open_template(template, vcs_ref=vcs_ref) as source:
        answers = kwargs.pop("answers", {"name": "shop"})
        return render.generate(answers, dest, source=source, **kwargs)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    return tiny_template(tmp_path / "template")


# Rendering into place -----------------------------------------------------------------------------


def test_renders_into_a_new_folder_and_leaves_nothing_else(template: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out" / "deep" / "shop"

    rendered = generate(template, dest)

    assert rendered.path == dest
    assert (dest / "README.md").read_text(encoding="utf-8").startswith("# shop\n")
    assert rendered.answers["name"] == "shop"
    assert sorted(path.name for path in dest.parent.iterdir()) == ["shop"]


def test_answers_point_at_an_absolute_git_source(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    generate(Path("template"), tmp_path / "shop")

    recorded = answers_of(tmp_path / "shop")
    assert recorded["_src_path"] == str(template)
    assert recorded["_commit"] == "v1"


def test_refuses_a_folder_that_is_not_empty(template: Path, tmp_path: Path) -> None:
    dest = tmp_path / "busy"
    write(dest, {"mine.txt": "mine\n"})

    with pytest.raises(UserError, match="exists and is not empty: choose another folder"):
        generate(template, dest)

    assert sorted(path.name for path in tmp_path.iterdir()) == ["busy", "template"]
    assert [path.name for path in dest.iterdir()] == ["mine.txt"]


def test_an_empty_folder_is_fine(template: Path, tmp_path: Path) -> None:
    dest = tmp_path / "empty"
    dest.mkdir()

    generate(template, dest)

    assert (dest / "README.md").is_file()


def test_force_adds_the_files_and_keeps_the_others(template: Path, tmp_path: Path) -> None:
    dest = tmp_path / "busy"
    write(dest, {"mine.txt": "mine\n", "notes.txt": "old notes\n"})

    generate(template, dest, force=True)

    assert (dest / "mine.txt").read_text(encoding="utf-8") == "mine\n"
    assert (dest / "notes.txt").read_text(encoding="utf-8") == "notes\n"
    assert (dest / "README.md").is_file()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["busy", "template"]


def test_a_failing_render_leaves_nothing(template: Path, tmp_path: Path) -> None:
    write(template, {"templates/web/broken.txt.jinja": "{% if %}\n"})
    commit(template, "broken", tag="v2")
    dest = tmp_path / "new" / "shop"

    with pytest.raises(RenderError):
        generate(template, dest)

    assert sorted(path.name for path in tmp_path.iterdir()) == ["template"]


@pytest.mark.parametrize("interruption", [KeyboardInterrupt(), RenderError(reason="git failed")])
def test_ctrl_c_or_a_failure_after_copier_leaves_nothing(
    template: Path, tmp_path: Path, interruption: BaseException
) -> None:
    seen: list[Path] = []

    def prepare(staged: Path) -> None:
        seen.append(staged)
        assert (staged / "README.md").is_file()
        assert staged.parent.parent == tmp_path  # beside the destination
        raise interruption

    with pytest.raises(type(interruption)):
        generate(template, tmp_path / "shop", prepare=prepare)

    assert seen and seen[0].name == "shop"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["template"]


def test_the_template_runs_commands_only_when_trusted(template: Path, tmp_path: Path) -> None:
    config = (template / "copier.yml").read_text(encoding="utf-8")
    write(template, {"copier.yml": config + "_tasks: ['touch task-ran']\n"})
    commit(template, "tasks", tag="v2")

    with pytest.raises(UserError, match="Review what the template runs"):
        generate(template, tmp_path / "untrusted")
    generate(template, tmp_path / "trusted", trust=True)

    assert not (tmp_path / "untrusted").exists()
    assert (tmp_path / "trusted" / "task-ran").is_file()


# Template sources ---------------------------------------------------------------------------------


def test_copier_yml_is_read_at_the_ref_that_renders(template: Path) -> None:
    config = (template / "copier.yml").read_text(encoding="utf-8")
    write(template, {"copier.yml": config.replace("default: demo", "default: later")})
    commit(template, "untagged change")
    write(template, {"copier.yml": config.replace("default: demo", "default: dirty")})

    def default_name(vcs_ref: str | None) -> str:
        with open_template(template, vcs_ref=vcs_ref) as source:
            return str(source.questionnaire.default("name"))

    assert default_name(None) == "demo"  # the newest tag, as Copier renders
    assert default_name("main") == "later"
    assert default_name("HEAD") == "dirty"  # Copier renders the working tree for HEAD


def test_a_git_url_is_recorded_as_given(template: Path, tmp_path: Path) -> None:
    url = "git+" + template.as_uri()  # Copier's spelling of a git URL without a .git suffix

    with open_template(url) as source:
        assert source.location == url
        assert source.questionnaire.default("kind") == "web"
        render.generate({"name": "shop"}, tmp_path / "shop", source=source)

    assert answers_of(tmp_path / "shop")["_src_path"] == url


def test_a_plain_folder_renders_but_says_it_cannot_update(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    write(plain, {"copier.yml": "_subdirectory: project\nname: demo\n", "project/a.txt": "a\n"})

    with open_template(plain) as source:
        assert not source.updatable
        render.generate({}, tmp_path / "shop", source=source)

    assert (tmp_path / "shop" / "a.txt").is_file()


def test_the_bundled_template_is_stored_as_a_tagged_git_repository(tmp_path: Path) -> None:
    bundled = tmp_path / "bundled"
    write(bundled, {"copier.yml": "name: demo\n", "templates/x.txt": "1\n"})
    store = tmp_path / "store"

    repo, tag = stored_template(bundled, store=store)
    again = stored_template(bundled, store=store)
    write(bundled, {"templates/x.txt": "2\n"})
    changed_repo, changed = stored_template(bundled, store=store)

    assert (repo, tag) == (store / "template", f"v{__version__}")
    assert again == (repo, tag)
    assert changed_repo == repo
    assert changed.startswith(f"v{__version__}+")
    assert git(repo, "show", f"{tag}:templates/x.txt") == "1\n"
    assert git(repo, "show", f"{changed}:templates/x.txt") == "2\n"
    assert len(git(repo, "log", "--oneline").splitlines()) == 2


def test_an_installed_scaffold_renders_projects_that_copier_can_update(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # scaffold installed from a wheel: its template is a plain folder inside the package.
    bundled = tmp_path / "site-packages" / "scaffold" / "_template"
    shutil.copytree(template, bundled, ignore=shutil.ignore_patterns(".git"))
    monkeypatch.setattr(own_template, "template_root", lambda: bundled)
    monkeypatch.setenv(own_template.DATA_DIR_VARIABLE, str(tmp_path / "data"))

    with open_template() as source:
        assert source.own
        render.generate({"name": "shop"}, tmp_path / "shop", source=source)
    project = tmp_path / "shop"
    new_repo(project)
    recorded = answers_of(project)
    assert recorded["_src_path"] == str(tmp_path / "data" / "template")
    assert recorded["_commit"] == f"v{__version__}"

    # The next scaffold release bundles a changed template.
    write(bundled, {"templates/web/notes.txt": "notes, improved\n"})
    monkeypatch.setattr(own_template, "__version__", "99.0.0")
    with open_template():
        pass
    report = render.update(project)

    assert report.new_commit == "v99.0.0"
    assert (project / "notes.txt").read_text(encoding="utf-8") == "notes, improved\n"


def test_each_project_draws_its_own_secret(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second render reuses the first one's compiled code: the random draw must not be in it.
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(tmp_path / "compiled"))
    generate(template, tmp_path / "one")
    generate(template, tmp_path / "two")

    secrets = {(tmp_path / name / ".env").read_text(encoding="utf-8") for name in ("one", "two")}
    assert len(secrets) == 2, secrets


# Keeping projects up to date ----------------------------------------------------------------------


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Path:
    generate(template, tmp_path / "shop")
    return new_repo(tmp_path / "shop")


def release(template: Path, tag: str, files: dict[str, str]) -> None:
    write(template, files)
    commit(template, tag, tag=tag)


def test_check_compares_with_the_newest_release(template: Path, project: Path) -> None:
    assert render.check(project).outdated is False

    release(template, "v2", {"templates/web/notes.txt": "notes v2\n"})
    release(template, "v3rc1", {"templates/web/notes.txt": "notes v3rc1\n"})  # a prerelease
    report = render.check(project)

    assert (report.current, report.latest, report.outdated) == ("v1", "v2", True)


def test_check_explains_what_it_cannot_read(tmp_path: Path, project: Path) -> None:
    with pytest.raises(UpdateError, match="no .copier-answers.yml"):
        render.check(tmp_path)
    answers = answers_of(project)
    answers["_src_path"] = str(tmp_path / "gone")
    (project / ".copier-answers.yml").write_text(yaml.safe_dump(answers), encoding="utf-8")
    with pytest.raises(UpdateError, match="cannot read the template"):
        render.check(project)


def test_update_brings_changes_and_keeps_edits(template: Path, project: Path) -> None:
    write(project, {"notes.txt": "notes\nmy own line\n"})
    commit(project, "my edit")
    release(template, "v2", {"templates/web/README.md.jinja": "# {{ name }}\n\nline 1\nline 2\n"})

    report = render.update(project)

    assert (report.old_commit, report.new_commit) == ("v1", "v2")
    assert (project / "README.md").read_text(encoding="utf-8") == "# shop\n\nline 1\nline 2\n"
    assert "my own line" in (project / "notes.txt").read_text(encoding="utf-8")
    assert {change.path for change in report.changes} == {"README.md", ".copier-answers.yml"}
    assert report.conflicts == ()


def test_update_keeps_its_renders_compiled_code(
    template: Path, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "compiled"
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(cache))
    release(template, "v2", {"templates/web/README.md.jinja": "# {{ name }}, v2\n"})

    render.update(project)

    assert (project / "README.md").read_text(encoding="utf-8") == "# shop, v2\n"
    assert any(path.is_file() for path in cache.rglob("*"))  # the old and new renders' code


def test_update_marks_conflicts(template: Path, project: Path) -> None:
    write(project, {"notes.txt": "my notes\n"})
    commit(project, "my edit")
    release(template, "v2", {"templates/web/notes.txt": "template notes\n"})

    report = render.update(project)

    assert report.conflicts == ("notes.txt",)
    assert "<<<<<<< before updating" in (project / "notes.txt").read_text(encoding="utf-8")


def test_update_refuses_a_dirty_tree(project: Path) -> None:
    write(project, {"scratch.txt": "wip\n"})

    with pytest.raises(UpdateError, match=r"uncommitted changes \(scratch.txt\)"):
        render.update(project)


def test_a_refused_answer_leaves_the_project_as_it_was(template: Path, project: Path) -> None:
    release(template, "v2", {"templates/web/notes.txt": "notes v2\n"})

    with pytest.raises(UpdateError, match="cannot switch from web to worker on update"):
        render.update(project, data={"kind": "worker"})

    assert is_clean(project)
    assert answers_of(project)["_commit"] == "v1"


def test_changing_an_answer_adds_what_it_needs(template: Path, project: Path) -> None:
    release(template, "v2", {"templates/web/notes.txt": "notes v2\n"})
    secret = (project / ".env").read_text(encoding="utf-8")

    report = render.update(project, data={"extra": "true"})

    assert (project / "extra.txt").read_text(encoding="utf-8") == "extra for shop\n"
    assert report.answers["extra"] is True
    assert (project / ".env").read_text(encoding="utf-8") == secret


def test_update_leaves_the_secret_alone_and_keeps_it_out_of_the_answers(
    template: Path, project: Path
) -> None:
    secret = (project / ".env").read_text(encoding="utf-8")
    release(template, "v2", {"templates/web/.env.jinja": "SECRET=changed\nNEW=1\n"})

    render.update(project)

    assert (project / ".env").read_text(encoding="utf-8") == secret
    assert secret.split("=", 1)[1].strip() not in (project / ".copier-answers.yml").read_text()


def test_the_own_template_is_trusted_and_others_are_not(template: Path) -> None:
    assert is_own_source(str(template_root()))
    assert not is_own_source(str(template))
    assert not is_own_source("https://example.com/template.git")


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing", "does not exist"), ("file.txt", "is not a directory"), ("empty", "copier.yml")],
)
def test_a_path_that_is_no_template_is_refused(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "file.txt").write_text("not a template\n")
    (tmp_path / "empty").mkdir()

    with pytest.raises(UserError, match=message), open_template(tmp_path / name):
        pass


def test_ctrl_c_during_an_update_restores_the_clean_tree(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(worker: Worker) -> None:
        write(worker.dst_path, {"notes.txt": "half-updated\n", "new-file.txt": "half-written\n"})
        raise KeyboardInterrupt

    monkeypatch.setattr(Worker, "run_update", interrupted)

    with pytest.raises(KeyboardInterrupt):
        render.update(project)

    assert is_clean(project)
    assert (project / "notes.txt").read_text(encoding="utf-8") == "notes\n"
    assert (project / ".env").is_file()  # ignored files are left alone
