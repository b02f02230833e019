"""The interactive documentation at /api/docs: Swagger UI from an installed distribution
(flask-swagger-ui ships its files), so the page renders without internet access and runs
no script from a third party."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import flask
from flask import Blueprint, Response

PAGE_DIR = Path(str(files("datacapt.api") / "docs_ui"))
# Swagger UI's built files (swagger-ui-bundle.js, swagger-ui.css, ...).
SWAGGER_UI_DIST = Path(str(files("flask_swagger_ui") / "dist"))

# Scripts, styles, images and calls only from the platform's own origin; nothing inline
# but the style attributes Swagger UI sets, and its icons drawn as data: images.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
ASSETS_MAX_AGE = 3600


def _guarded(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def register_docs_ui(blueprint: Blueprint, path: str, title: str) -> None:
    """Add the page, its initializer and Swagger UI's files under ``path`` of the
    API description's blueprint."""
    page = (PAGE_DIR / "index.html").read_text(encoding="utf-8")

    def docs_page() -> Response:
        html = flask.render_template_string(
            page,
            title=title,
            spec_url=flask.url_for(f"{blueprint.name}.openapi_json"),
            assets=flask.url_for(f"{blueprint.name}.docs_asset", filename=""),
            initializer=flask.url_for(f"{blueprint.name}.docs_initializer"),
        )
        return _guarded(flask.make_response(html))

    def docs_initializer() -> Response:
        return _guarded(
            flask.send_from_directory(PAGE_DIR, "initializer.js", max_age=ASSETS_MAX_AGE)
        )

    def docs_asset(filename: str) -> Response:
        return _guarded(
            flask.send_from_directory(SWAGGER_UI_DIST, filename, max_age=ASSETS_MAX_AGE)
        )

    blueprint.add_url_rule(path, endpoint="openapi_swagger_ui", view_func=docs_page)
    blueprint.add_url_rule(
        f"{path}/initializer.js", endpoint="docs_initializer", view_func=docs_initializer
    )
    blueprint.add_url_rule(
        f"{path}/assets/<path:filename>", endpoint="docs_asset", view_func=docs_asset
    )
