"""GET /api/hello, and the JSON errors every /api route answers with."""

from tests.base import AppTestCase, body, detail


class TestHello(AppTestCase):
    def test_greets_the_world_by_default(self) -> None:
        assert body(self.request("GET", "/api/hello")) == {"message": "Hello, World!"}

    def test_greets_by_name(self) -> None:
        response = self.request("GET", "/api/hello?name=Ada")
        assert body(response) == {"message": "Hello, Ada!"}

    def test_a_name_of_100_characters_is_the_longest(self) -> None:
        assert self.request("GET", "/api/hello?name=" + "a" * 100).code == 200
        errors = detail(self.request("GET", "/api/hello?name=" + "a" * 101), 422)
        assert errors[0]["loc"] == ["name"]
        assert "input" not in errors[0]


class TestApiErrors(AppTestCase):
    def test_unknown_routes_are_a_json_404(self) -> None:
        assert detail(self.request("GET", "/api/no-such-route"), 404) == "Not Found"
        detail(self.request("POST", "/api/no-such-route", {}), 404)

    def test_other_methods_are_a_json_405_with_allow(self) -> None:
        for method in ("PUT", "DELETE", "POST", "PATCH"):
            response = self.request(method, "/api/hello")
            detail(response, 405)
            assert response.headers["Allow"] == "GET, OPTIONS", method
