"""The error bodies of the API, as its OpenAPI document describes them to clients."""

from typing import Any

from ninja import Schema


class Error(Schema):
    """What went wrong, in words."""

    detail: str


class InvalidField(Schema):
    """One reason the input is invalid: where it is, and what is wrong with it."""

    type: str
    loc: list[str | int]
    msg: str
    ctx: dict[str, Any] | None = None


class InvalidInput(Schema):
    """Why the request's input is invalid: answered with 422, never echoing the input."""

    detail: list[InvalidField]
