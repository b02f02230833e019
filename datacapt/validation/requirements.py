"""The requirements, read from their TOML files: one file per regulation."""

from __future__ import annotations

import enum
import tomllib
from dataclasses import dataclass
from pathlib import Path

REQUIREMENTS_DIR = Path("docs/requirements")


class Status(enum.StrEnum):
    """Who meets a requirement, and how far: the platform (tests prove it), the platform in
    part (tests prove that part, the note says what is left), not yet (the note says when),
    or the customer's procedures (training, SOPs: the note says how)."""

    MET = "met"
    PARTLY_MET = "partly-met"
    NOT_YET_MET = "not-yet-met"
    CUSTOMER = "customer"

    @property
    def needs_tests(self) -> bool:
        return self in (Status.MET, Status.PARTLY_MET)


@dataclass(frozen=True)
class Feature:
    """What meets a requirement: a module and its endpoint or command."""

    module: str
    entry: str


@dataclass(frozen=True)
class Requirement:
    id: str
    regulation: str
    section: str
    title: str
    text: str
    status: Status
    features: tuple[Feature, ...]
    tests: tuple[str, ...]  # node ids named by the file, beside the tests marked with its id
    note: str


class RequirementFileError(ValueError):
    """A requirement file that cannot be read as one."""


def load_requirements(directory: Path) -> list[Requirement]:
    """Every requirement of the ``*.toml`` files of ``directory``, in file then file order."""
    requirements: list[Requirement] = []
    for path in sorted(directory.glob("*.toml")):
        requirements.extend(_read_file(path))
    return requirements


def _read_file(path: Path) -> list[Requirement]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        regulation = data["regulation"]
        return [_requirement(regulation, entry) for entry in data["requirement"]]
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
        raise RequirementFileError(f"{path}: {error!r}") from error


def _requirement(regulation: str, entry: dict) -> Requirement:
    return Requirement(
        id=entry["id"],
        regulation=regulation,
        section=entry["section"],
        title=entry["title"],
        text=" ".join(entry["text"].split()),
        status=Status(entry["status"]),
        features=tuple(Feature(f["module"], f["entry"]) for f in entry.get("features", [])),
        tests=tuple(entry.get("tests", [])),
        note=" ".join(entry.get("note", "").split()),
    )
