"""Prototype (put this directory on PYTHONPATH, BENCH_JINJA_CACHE=<dir>): every Jinja environment
gets a file-system bytecode cache, so a template file compiled by one render is loaded, not
compiled, by the next. Measures what generation would gain if scaffold's render gave Copier's
environment such a cache. Path names and copier.yml expressions (compiled with from_string) are
not cached by Jinja's bytecode cache: only template files are.
"""

from __future__ import annotations

import os

try:
    import jinja2
except ImportError:
    jinja2 = None  # type: ignore[assignment]

if jinja2 is not None and os.environ.get("BENCH_JINJA_CACHE"):
    _original_init = jinja2.Environment.__init__

    class _ByNameCache(jinja2.FileSystemBytecodeCache):
        """Keyed by template name only: Copier renders from a fresh clone of the template each
        time, so the absolute file name differs on every run; the bucket still checks the
        source's checksum, so a changed template is compiled again."""

        def get_cache_key(self, name: str, filename: str | None = None) -> str:  # noqa: ARG002
            return super().get_cache_key(name, None)

    def _init_with_cache(self: jinja2.Environment, *args: object, **kwargs: object) -> None:
        _original_init(self, *args, **kwargs)  # type: ignore[arg-type]
        if self.bytecode_cache is None:
            self.bytecode_cache = _ByNameCache(os.environ["BENCH_JINJA_CACHE"])

    jinja2.Environment.__init__ = _init_with_cache  # type: ignore[method-assign]
