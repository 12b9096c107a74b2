"""GET /api/hello"""

import pytest
from django.test import Client


def test_hello_greets_the_world_by_default(client: Client) -> None:
    response = client.get("/api/hello")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello, World!"}


@pytest.mark.parametrize("name", ["Ada", "Zoë", "a" * 100])
def test_hello_greets_by_name(client: Client, name: str) -> None:
    response = client.get("/api/hello", {"name": name})
    assert response.status_code == 200
    assert response.json() == {"message": f"Hello, {name}!"}


def test_hello_refuses_a_name_over_100_characters(client: Client) -> None:
    response = client.get("/api/hello", {"name": "a" * 101})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "name"]
