"""A cache of compiled Jinja code across runs, for Copier's environment.

Copier builds a fresh Jinja environment per run and compiles every template file, every path
name and every copier.yml expression again: most of a render's time. Jinja's own bytecode cache
only covers templates read through the loader, and keys them by file name (Copier renders from a
fresh clone each time), so it is not used here; this cache wraps the environment's `compile`
instead, keyed by what the generated code depends on: the source, the template name, the
environment's syntax and extensions, and the Jinja and Python versions.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

__all__ = ["CACHE_DIR_VARIABLE", "cache_compiles"]

CACHE_DIR_VARIABLE = "SCAFFOLD_CACHE_DIR"
"""Where compiled templates are kept (default: the user cache dir); empty turns the cache off."""

# What the generated code depends on, besides the source and the name (see jinja2.lexer.get_lexer).
_SYNTAX = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
)


# Part of every key: code cached before filters were kept out of compile time (below) may hold
# a random secret drawn once, and must not be used again.
_FORMAT = 2


def cache_compiles(env: jinja2.Environment, directory: Path | None = None) -> None:
    """Make `env` keep the code it compiles in `directory` and reuse it on later runs."""
    folder = directory or _default_directory()
    if folder is None or not isinstance(env.autoescape, bool):
        return  # a callable autoescape decides per template name: leave it to Jinja
    import jinja2

    _call_filters_at_render_time(env)
    setting = repr(
        (
            _FORMAT,
            jinja2.__version__,
            sys.version_info[:2],
            env.autoescape,
            sorted(env.extensions),
            [getattr(env, name) for name in _SYNTAX],
        )
    )
    original: Any = env.compile  # overloaded on `raw`; called with it as given

    def compile(  # noqa: A001 - the method it stands in for
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        if raw or not isinstance(source, str):
            return original(source, name, filename, raw, defer_init)
        key = hashlib.sha256(repr((setting, source, name, defer_init)).encode()).hexdigest()
        path = folder / key[:2] / key
        try:
            code = marshal.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            code = None
        if isinstance(code, CodeType):
            return _with_filename(code, filename or "<template>")
        code = original(source, name, filename, raw, defer_init)
        _store(path, code)
        return code

    env.compile = compile  # type: ignore[method-assign]


def _call_filters_at_render_time(env: jinja2.Environment) -> None:
    """Make every filter and test of `env` run when a template renders, never when it compiles.

    Jinja calls a filter whose input is constant while compiling and puts the result in the
    code (`{{ (2 ** 256) | ans_random }}` becomes a number): harmless when every run compiles
    afresh, but cached code would give every project the same "random" secret. Jinja skips
    this for filters that take the render context, so each becomes one.
    """
    import jinja2
    from jinja2.utils import _PassArg

    def at_render_time(function: Any) -> Any:
        passes = _PassArg.from_obj(function)
        if passes is _PassArg.context:
            return function

        @jinja2.pass_context
        @functools.wraps(function)
        def call(context: jinja2.runtime.Context, *args: Any, **kwargs: Any) -> Any:
            if passes is _PassArg.eval_context:
                return function(context.eval_ctx, *args, **kwargs)
            if passes is _PassArg.environment:
                return function(context.environment, *args, **kwargs)
            return function(*args, **kwargs)

        return call

    for table in (env.filters, env.tests):
        for name, function in list(table.items()):
            table[name] = at_render_time(function)


def _with_filename(code: CodeType, filename: str) -> CodeType:
    """Return `code` as if compiled from `filename` (tracebacks name this run's file)."""
    consts = tuple(
        _with_filename(const, filename) if isinstance(const, CodeType) else const
        for const in code.co_consts
    )
    return code.replace(co_filename=filename, co_consts=consts)


def _store(path: Path, code: CodeType) -> None:
    """Write the code atomically; a cache that cannot be written is no cache, not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "wb") as file:
            marshal.dump(code, file)
        Path(temporary).replace(path)
    except OSError:
        pass


def _default_directory() -> Path | None:
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured is not None:
        return Path(configured) if configured else None
    import platformdirs

    return platformdirs.user_cache_path("scaffold") / "jinja"
