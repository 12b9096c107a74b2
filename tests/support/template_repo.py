"""Throwaway git repositories: templates tagged v1, v2, ... and generated projects."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# Commits in tests must not depend on the machine's git identity or signing settings.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_COUNT": "1",
    "GIT_CONFIG_KEY_0": "commit.gpgsign",
    "GIT_CONFIG_VALUE_0": "false",
}

# A template with the shape of scaffold's (a templated subdirectory, a choice with a validator,
# an `ask: false` bookkeeping answer guarding a switch) that renders in a fraction of a second.
TINY_TEMPLATE: Mapping[str, str] = {
    "copier.yml": """\
_subdirectory: "templates/{{ kind }}"
_answers_file: .copier-answers.yml
_skip_if_exists: [.env]
name:
  type: str
  help: Project name
  default: demo
  validator: "{% if not name %}The name must not be empty.{% endif %}"
kind:
  type: str
  help: Kind of project
  choices: [web, worker]
  default: web
  validator: >-
    {% if original_kind is defined and original_kind and kind != original_kind %}cannot switch
    from {{ original_kind }} to {{ kind }} on update{% endif %}
extra:
  type: bool
  help: Add extra.txt
  default: false
original_kind:
  type: str
  default: "{{ kind }}"
  ask: false
""",
    "templates/web/README.md.jinja": "# {{ name }}\n\nline 1\nline 2\nline 3\n",
    "templates/web/notes.txt": "notes\n",
    # A filter binds tighter than `**`: without the parentheses the secret is 2 ** (a number
    # below 64), often short enough to turn up by chance in the path of the answers file.
    "templates/web/.env.jinja": "SECRET={{ (2 ** 64) | ans_random }}\n",
    "templates/web/.gitignore": ".env\n",
    "templates/web/{% if extra %}extra.txt{% endif %}.jinja": "extra for {{ name }}\n",
    "templates/web/{{_copier_conf.answers_file}}.jinja": "{{ _copier_answers|to_nice_yaml }}",
    "templates/worker/README.md.jinja": "# worker {{ name }}\n",
    "templates/worker/{{_copier_conf.answers_file}}.jinja": "{{ _copier_answers|to_nice_yaml }}",
}


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` and return its output; fail the test on an error."""
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"git {' '.join(args)} failed in {cwd}:\n{done.stderr}"
    return done.stdout


def write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def commit(repo: Path, message: str, *, tag: str | None = None) -> None:
    """Commit everything in `repo`, and tag the commit."""
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", message)
    if tag:
        git(repo, "tag", tag)


def new_repo(root: Path, files: Mapping[str, str] | None = None, *, tag: str | None = None) -> Path:
    """Create a git repository holding `files`, committed (and tagged)."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "--quiet", "--initial-branch=main")
    if files:
        write(root, files)
    commit(root, "initial", tag=tag)
    return root


def tiny_template(root: Path, *, tag: str | None = "v1") -> Path:
    """A tiny template repository, tagged."""
    return new_repo(root, TINY_TEMPLATE, tag=tag)


def scaffold_template_repo(root: Path, *, tag: str = "v1") -> Path:
    """A git repository holding this checkout's copier.yml and templates/ (working tree as is)."""
    root.mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "copier.yml", root / "copier.yml")
    shutil.copytree(
        REPO_ROOT / "templates",
        root / "templates",
        ignore=shutil.ignore_patterns("__pycache__", "*.py[co]", ".pytest_cache", ".ruff_cache"),
    )
    return new_repo(root, tag=tag)


def is_clean(repo: Path) -> bool:
    return git(repo, "status", "--porcelain", "--untracked-files=all") == ""
