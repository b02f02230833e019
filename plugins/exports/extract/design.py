"""The study's design as an export reads it: its sections (visits) and their questions in
order, with labels and coded values, limited to what a definition names."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import QuestionType, Study, db
from plugins.ecrf.api import Block, Ecrf, Section, SubSection

# Types whose answers are numbers in SAS and SPSS; the rest are text.
NUMERIC = frozenset({QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.SCALE})
YES_NO_CODES: dict[Any, str] = {1: "Yes", 0: "No"}


def text_of(texts: Mapping[str, str] | None) -> str:
    """A design text in English, else its first language."""
    if not texts:
        return ""
    return texts.get("en") or next(iter(texts.values()), "")


@dataclasses.dataclass(frozen=True)
class Item:
    """A question of the design (or a repeating group's column)."""

    code: str
    type: str
    label: str
    section_uuid: str
    section_title: str
    choices: tuple[tuple[Any, str], ...] = ()
    columns: tuple[Item, ...] = ()

    @property
    def is_group(self) -> bool:
        return self.type == QuestionType.REPEATING_GROUP

    @property
    def codes(self) -> dict[Any, str] | None:
        """Its coded values and their labels (None: not a coded question)."""
        if self.type == QuestionType.YES_NO:
            return YES_NO_CODES
        if self.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
            return dict(self.choices)
        return None

    def numeric(self, labels: bool) -> bool:
        """Whether its export column holds numbers (coded choices are numbers when every
        value is one, and labels were not asked for)."""
        if self.type in NUMERIC:
            return True
        if labels:
            return False
        if self.type == QuestionType.YES_NO:
            return True
        if self.type == QuestionType.SINGLE_CHOICE:
            return bool(self.choices) and all(
                isinstance(v, int | float) and not isinstance(v, bool) for v, _ in self.choices
            )
        return False


@dataclasses.dataclass(frozen=True)
class SectionDesign:
    uuid: str
    title: str
    position: int
    items: tuple[Item, ...]
    instanced: bool = False  # filled once per instance a module names (a zone), not per subject


@dataclasses.dataclass(frozen=True)
class Design:
    ecrf_version: int | None
    ecrf_revision: int | None
    sections: tuple[SectionDesign, ...]

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]


def _item(block: Mapping[str, Any], uuid: str, title: str) -> Item:
    options = block["options"] or {}
    return Item(
        code=block["code"],
        type=block["type"],
        label=text_of(block.get("label")),
        section_uuid=uuid,
        section_title=title,
        choices=tuple(
            (choice["value"], text_of(choice.get("label")) or str(choice["value"]))
            for choice in options.get("choices", [])
        ),
        columns=tuple(
            _item({**column, "options": column.get("options")}, uuid, title)
            for column in block.get("columns") or []
        ),
    )


def load_design(
    study: Study, sections: Sequence[str] = (), questions: Sequence[str] = ()
) -> Design:
    """The study's current design, its sections and questions those named (none: all)."""
    ecrf = db.session.execute(sa.select(Ecrf).where(Ecrf.study_id == study.id)).scalar_one_or_none()
    if ecrf is None:
        return Design(None, None, ())
    rows = db.session.execute(
        sa.select(Section.uuid, Section.title, Section.position, Section.instanced_by, Block)
        .join(SubSection, SubSection.section_id == Section.id)
        .join(Block, Block.subsection_id == SubSection.id)
        .where(Section.ecrf_id == ecrf.id, Block.kind == "question")
        .order_by(Section.position, SubSection.position, Block.position)
    ).all()
    wanted_sections, wanted_codes = set(sections), set(questions)
    by_section: dict[str, tuple[str, int, bool, list[Item]]] = {}
    for section_uuid, title, position, instanced_by, block in rows:
        uuid = str(section_uuid)
        if wanted_sections and uuid not in wanted_sections:
            continue
        if wanted_codes and block.code not in wanted_codes:
            continue
        entry = by_section.setdefault(uuid, (text_of(title), position, bool(instanced_by), []))
        entry[3].append(
            _item(
                {
                    "code": block.code,
                    "type": block.type,
                    "label": block.label,
                    "options": block.options,
                    "columns": block.columns,
                },
                uuid,
                entry[0],
            )
        )
    return Design(
        ecrf.version,
        ecrf.revision,
        tuple(
            SectionDesign(uuid, title, position, tuple(items), instanced)
            for uuid, (title, position, instanced, items) in by_section.items()
        ),
    )


def known_codes(study: Study) -> set[str]:
    return {item.code for item in load_design(study).items}


def known_sections(study: Study) -> set[str]:
    return {
        str(uuid)
        for uuid in db.session.execute(
            sa.select(Section.uuid)
            .join(Ecrf, Ecrf.id == Section.ecrf_id)
            .where(Ecrf.study_id == study.id)
        ).scalars()
    }
