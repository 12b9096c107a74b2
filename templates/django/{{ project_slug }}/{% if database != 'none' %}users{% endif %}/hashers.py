"""Argon2id password hashers at the strength every template of this project uses."""

from django.contrib.auth import hashers


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    """Argon2id at RFC 9106's low-memory profile (t=3, m=64 MiB, p=4), above OWASP's minimum.

    Django's defaults differ (t=2, m=100 MiB, p=8); these match the other templates'.
    """

    time_cost = 3
    memory_cost = 65536
    parallelism = 4


class FastArgon2PasswordHasher(hashers.Argon2PasswordHasher):
    """Argon2id at its cheapest (t=1, m=8 KiB, p=1): for the tests and FAST_PASSWORD_HASHING only.

    Hashes it made are upgraded to the strong parameters at the user's next login.
    """

    time_cost = 1
    memory_cost = 8
    parallelism = 1
