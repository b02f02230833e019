"""Descriptive statistics of the study's questions, by visit (each question belongs to its
section), overall and by center or (for callers who may see it) by arm; the
cross-tabulation of two choice questions. The answers are those of the subjects at the
centers the caller sees."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from datacapt.toolkit import (
    DEFAULT_LANGUAGE,
    Message,
    Study,
    current_language,
    forbidden,
    invalid,
    may_see,
    plugin_enabled,
    study_centers,
)
from plugins.data_analysis import statistics
from plugins.data_analysis.answers import answers, subjects
from plugins.data_analysis.errors import DataAnalysisCodes
from plugins.ecrf.api import compiled_form

# pandas is imported by the functions that use it: at module level it costs ~0.1 s of
# every start-up.
if TYPE_CHECKING:
    import pandas as pd

NUMBER_TYPES = frozenset({"integer", "decimal", "scale", "calculated"})
SINGLE_CHOICE_TYPES = frozenset({"single_choice", "yes_no"})
CHOICE_TYPES = SINGLE_CHOICE_TYPES | {"multiple_choice"}
BY_CENTER, BY_ARM = "center", "arm"
YES, NO = Message("Yes"), Message("No")


def _text(labels: dict[str, str] | None, fallback: str) -> str:
    if not labels:
        return fallback
    return labels.get(current_language()) or labels.get(DEFAULT_LANGUAGE) or fallback


def _labels(block: dict[str, Any]) -> list[tuple[Any, str]]:
    """A choice question's coded values with their labels, in the design's order."""
    if block["type"] == "yes_no":
        return [(True, YES.render()), (False, NO.render())]
    return [
        (choice["value"], _text(choice.get("label"), str(choice["value"])))
        for choice in (block.get("options") or {}).get("choices", [])
    ]


def _questions(study: Study) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(section, question block) of the design, in order."""
    for section in compiled_form(study).document["sections"]:
        for sub in section["subsections"]:
            for block in sub["blocks"]:
                if block["kind"] == "question":
                    yield section, block


def _analysable(block: dict[str, Any]) -> bool:
    return block["type"] in NUMBER_TYPES | CHOICE_TYPES


def _question(study: Study, code: str, field: str) -> dict[str, Any]:
    for _, block in _questions(study):
        if block["code"] == code:
            return block
    raise invalid(
        DataAnalysisCodes.QUESTION_UNKNOWN,
        Message("No question {code} in the study's eCRF.", code=code),
        field=field,
    )


def refuse_unless_arm_shown() -> None:
    """403 unless the tenant randomizes and the caller may see the arm."""
    if plugin_enabled("randomizations"):
        from plugins.randomizations.api import ARM

        if may_see(ARM):
            return
    raise forbidden(
        DataAnalysisCodes.ARM_NOT_SHOWN,
        Message("Statistics by arm are for those who may see the arm."),
    )


def describe(
    study: Study, section_uuid: Any = None, code: str | None = None, by: str | None = None
) -> dict[str, Any]:
    """The statistics of every analysable question (of one section, or one question)."""
    import pandas as pd

    if by == BY_ARM:
        refuse_unless_arm_shown()
    if code is not None:
        block = _question(study, code, "question")
        if not _analysable(block):
            raise invalid(
                DataAnalysisCodes.QUESTION_NOT_ANALYSABLE,
                Message(
                    "Statistics are of numbers and choices, not of {type}.", type=block["type"]
                ),
                field="question",
            )
    picked = [
        (section, block)
        for section, block in _questions(study)
        if _analysable(block)
        and (section_uuid is None or section["uuid"] == section_uuid)
        and (code is None or block["code"] == code)
    ]
    people = subjects(study, with_arm=by == BY_ARM)
    given = answers(study, [block["code"] for _, block in picked])
    by_code = {code: frame.set_index("subject")["value"] for code, frame in given.groupby("code")}
    groups = _groups(study, people, by)
    sections: dict[Any, dict[str, Any]] = {}
    for section, block in picked:
        entry = sections.setdefault(
            section["uuid"],
            {"uuid": section["uuid"], "title": _text(section["title"], ""), "questions": []},
        )
        values = by_code.get(block["code"], pd.Series(dtype=object))
        entry["questions"].append(
            {
                "code": block["code"],
                "label": _text(block.get("label"), block["code"]),
                "type": block["type"],
                "overall": _describe(block, values, people.index),
                "groups": [
                    {"group": group, **_describe(block, values, members)}
                    for group, members in groups
                ],
            }
        )
    return {
        "subjects": len(people),
        "by": by,
        "quartiles": statistics.QUARTILES,
        "sections": list(sections.values()),
    }


def _describe(block: dict[str, Any], values: pd.Series, members: pd.Index) -> dict[str, Any]:
    mine = values[values.index.isin(members)]
    if block["type"] in NUMBER_TYPES:
        return {"kind": "number", **statistics.numbers(mine, len(members))}
    return {
        "kind": "choice",
        **statistics.choices(
            mine, len(members), _labels(block), multiple=block["type"] == "multiple_choice"
        ),
    }


def _groups(study: Study, people: pd.DataFrame, by: str | None) -> list[tuple[dict, pd.Index]]:
    """Each group's description and its subjects: the centers the caller sees, or the arms
    (and the subjects not randomized)."""
    if by == BY_CENTER:
        return [
            (
                {"center": str(center.uuid), "code": center.code},
                people.index[people["center"] == center.id],
            )
            for center in study_centers(study)
        ]
    if by == BY_ARM:
        arms = sorted(arm for arm in people["arm"].dropna().unique())
        return [({"arm": arm}, people.index[people["arm"] == arm]) for arm in arms] + [
            ({"arm": None}, people.index[people["arm"].isna()])
        ]
    return []


def cross_tabulate(study: Study, row_code: str, column_code: str) -> dict[str, Any]:
    """The subjects who answered both questions, counted by pair of choices."""
    import pandas as pd

    blocks = {}
    for field, code in (("row", row_code), ("column", column_code)):
        block = _question(study, code, field)
        if block["type"] not in SINGLE_CHOICE_TYPES:
            raise invalid(
                DataAnalysisCodes.QUESTION_NOT_ANALYSABLE,
                Message("A cross-tabulation is of single choice or yes/no questions."),
                field=field,
            )
        blocks[field] = block
    given = answers(study, {row_code, column_code})
    by_code = {code: frame.set_index("subject")["value"] for code, frame in given.groupby("code")}
    empty = pd.Series(dtype=object)
    table = statistics.cross_tabulation(
        by_code.get(row_code, empty),
        by_code.get(column_code, empty),
        _labels(blocks["row"]),
        _labels(blocks["column"]),
    )
    return {
        "row": {"code": row_code, "label": _text(blocks["row"].get("label"), row_code)},
        "column": {"code": column_code, "label": _text(blocks["column"].get("label"), column_code)},
        **table,
    }
