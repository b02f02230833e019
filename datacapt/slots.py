"""Slots: what an outer layer hands an inner one when the app is created.

An inner package declares a slot for what only an outer one knows (the plugins'
permissions registry, the guard of plugin jobs, ...) and a registration function that
fills it; the outer layer calls that function in ``create_app``; the inner code reads the
value from the current app. So the inner package never imports the outer one
(docs/architecture.md, "Layers").
"""

from __future__ import annotations

from typing import Generic, TypeVar

from flask import Flask, current_app

T = TypeVar("T")


class Slot(Generic[T]):
    """One value per app, under ``app.extensions[key]``."""

    def __init__(self, key: str) -> None:
        self.key = key

    def fill(self, app: Flask, value: T) -> None:
        app.extensions[self.key] = value

    def get(self) -> T:
        try:
            return current_app.extensions[self.key]
        except KeyError:
            raise RuntimeError(
                f"{self.key} is not registered on this app (create_app registers it)"
            ) from None
