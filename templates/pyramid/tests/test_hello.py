"""GET /api/hello"""

import webtest


def test_hello_greets_the_world_by_default(testapp: webtest.TestApp) -> None:
    assert testapp.get("/api/hello").json == {"message": "Hello, World!"}


def test_hello_greets_by_name(testapp: webtest.TestApp) -> None:
    assert testapp.get("/api/hello", {"name": "Ada"}).json == {"message": "Hello, Ada!"}


def test_hello_answers_head_without_a_body(testapp: webtest.TestApp) -> None:
    response = testapp.head("/api/hello")
    assert (response.status_int, response.body) == (200, b"")


def test_hello_takes_names_of_1_to_100_characters(testapp: webtest.TestApp) -> None:
    assert testapp.get("/api/hello", {"name": "a" * 100}).status_int == 200
    response = testapp.get("/api/hello", {"name": "a" * 101}, status=422)
    assert response.json["detail"][0]["loc"] == ["query", "name"]


def test_hello_refuses_an_empty_name(testapp: webtest.TestApp) -> None:
    response = testapp.get("/api/hello", {"name": ""}, status=422)
    assert response.json["detail"][0]["loc"] == ["query", "name"]
