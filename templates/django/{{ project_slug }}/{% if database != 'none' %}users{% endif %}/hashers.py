"""Argon2id password hashers at the strength every template of this project uses."""

import threading
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import hashers


@cache
def _hashing_slots() -> threading.BoundedSemaphore:
    # At most PASSWORD_HASH_CONCURRENCY hashes at once: each takes 64 MiB and a core a while.
    return threading.BoundedSemaphore(settings.PASSWORD_HASH_CONCURRENCY)


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    """Argon2id at RFC 9106's low-memory profile (t=3, m=64 MiB, p=4), above OWASP's minimum.

    Django's defaults differ (t=2, m=100 MiB, p=8); these match the other templates'.
    """

    time_cost = 3
    memory_cost = 65536
    parallelism = 4

    def encode(self, password: str, salt: str) -> Any:
        """Hash a password, waiting for a free hashing slot."""
        with _hashing_slots():
            return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> Any:
        """Check a password against its hash, waiting for a free hashing slot."""
        with _hashing_slots():
            return super().verify(password, encoded)


class FastArgon2PasswordHasher(hashers.Argon2PasswordHasher):
    """Argon2id at its cheapest (t=1, m=8 KiB, p=1): for the tests and FAST_PASSWORD_HASHING only.

    Hashes it made are upgraded to the strong parameters at the user's next login.
    """

    time_cost = 1
    memory_cost = 8
    parallelism = 1
