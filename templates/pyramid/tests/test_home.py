"""The HTML home page."""

import webtest
from markupsafe import escape


def test_home_page_shows_the_project_name(testapp: webtest.TestApp) -> None:
    response = testapp.get("/")
    assert response.content_type == "text/html"
    project_name = testapp.app.registry.settings["app_settings"].PROJECT_NAME
    assert str(escape(project_name)) in response.text


def test_stylesheet_is_served(testapp: webtest.TestApp) -> None:
    assert testapp.get("/static/style.css").content_type == "text/css"
