"""WSGI entry point (gunicorn wsgi:app) and the app `flask` finds in this directory."""

from datacapt import create_app

app = create_app()
