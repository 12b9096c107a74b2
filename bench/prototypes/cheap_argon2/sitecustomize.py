"""Prototype (put this directory on PYTHONPATH): every argon2 PasswordHasher made cheap.

Measures what the tests would cost if a project's test settings used a fast Argon2 profile, as
cookiecutter-django's test settings use a fast hasher: t=1, m=8 KiB, p=1 instead of the
production profile. Only for measuring; tests that check the production parameters fail under it.
"""

from __future__ import annotations

try:
    import argon2
except ImportError:  # a process without argon2: nothing to do
    argon2 = None  # type: ignore[assignment]

if argon2 is not None:
    _original_init = argon2.PasswordHasher.__init__

    def _cheap_init(self: argon2.PasswordHasher, *_args: object, **kwargs: object) -> None:
        kwargs.update(time_cost=1, memory_cost=8, parallelism=1)
        _original_init(self, **kwargs)  # type: ignore[arg-type]

    argon2.PasswordHasher.__init__ = _cheap_init  # type: ignore[method-assign]
