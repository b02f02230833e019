"""The `datacapt` console script: the app's `flask` CLI, usable from any directory."""

from flask.cli import FlaskGroup

from datacapt.app import create_app

main = FlaskGroup(
    create_app=create_app, help="Datacapt operations (same as `flask` in the project)."
)
