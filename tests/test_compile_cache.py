"""Unit tests for scaffold.compile_cache: compiled Jinja code kept across environments."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from scaffold.compile_cache import cache_compiles


def cached_env(folder: Path, **options: object) -> jinja2.Environment:
    env = jinja2.Environment(**options)  # type: ignore[arg-type]
    cache_compiles(env, folder)
    return env


def test_a_second_environment_loads_what_the_first_compiled(tmp_path: Path) -> None:
    first = cached_env(tmp_path)
    assert first.from_string("Hello {{ name }}").render(name="you") == "Hello you"
    stored = sorted(tmp_path.rglob("*"))

    second = cached_env(tmp_path)
    assert second.from_string("Hello {{ name }}").render(name="me") == "Hello me"
    assert sorted(tmp_path.rglob("*")) == stored  # nothing compiled anew


def test_what_changes_the_code_changes_the_key(tmp_path: Path) -> None:
    cached_env(tmp_path).from_string("a\n{{ x }}\n").render(x=1)
    files = len([path for path in tmp_path.rglob("*") if path.is_file()])

    kept = cached_env(tmp_path, keep_trailing_newline=True).from_string("a\n{{ x }}\n")
    cached_env(tmp_path).from_string("b {{ x }}").render(x=1)

    assert kept.render(x=1) == "a\n1\n"
    assert len([path for path in tmp_path.rglob("*") if path.is_file()]) == files + 2


def test_a_cached_template_names_this_run_s_file(tmp_path: Path) -> None:
    # Copier renders from a fresh clone each run: same template, another folder.
    cache = tmp_path / "cache"
    for run in ("run1", "run2"):
        clone = tmp_path / run
        clone.mkdir()
        (clone / "page.txt").write_text("{{ 1 // zero }}", encoding="utf-8")
        env = cached_env(cache, loader=jinja2.FileSystemLoader(clone))
        template = env.get_template("page.txt")

        assert template.filename == str(clone / "page.txt")
        with pytest.raises(ZeroDivisionError) as raised:
            template.render(zero=0)
        assert str(clone / "page.txt") in {str(entry.path) for entry in raised.traceback}
    assert len([path for path in cache.rglob("*") if path.is_file()]) == 1


def test_a_filter_of_constants_runs_at_each_render_not_once_at_compile(tmp_path: Path) -> None:
    # Jinja would call it while compiling and keep the result in the (cached) code.
    draws = iter(range(100))

    def draw(_: object) -> int:
        return next(draws)

    rendered = []
    for _ in range(2):
        env = jinja2.Environment()
        env.filters["draw"] = draw  # before the cache, as Copier's extensions add theirs
        cache_compiles(env, tmp_path)
        rendered.append(env.from_string("{{ 7 | draw }}").render())
    assert rendered == ["0", "1"]
