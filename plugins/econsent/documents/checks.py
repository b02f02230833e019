"""What makes a version's content signable: a form without problems, every text in each of
its languages, comprehension answers and optional parts that name fitting questions, and
signers in the order of the signing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datacapt.toolkit import (
    Message,
    Question,
    QuestionType,
    block_questions,
    clean_answers,
    design_problems,
    invalid,
)
from plugins.econsent.documents.models import SIGNING_ORDER, SignerRole
from plugins.econsent.errors import EconsentCodes


def _problem(field: str, message: Message) -> dict[str, Any]:
    return {"field": field, "message": message}


def _language_problems(content: Mapping[str, Any]) -> list[dict[str, Any]]:
    languages = content["languages"]
    found = []
    for index, block in enumerate(content["blocks"]):
        texts = block.get("content") if block["kind"] == "static" else block.get("label")
        missing = [language for language in languages if not (texts or {}).get(language)]
        if missing:
            found.append(
                _problem(
                    f"blocks.{index}",
                    Message("no text in {languages}", languages=", ".join(missing)),
                )
            )
    for index, signer in enumerate(content["signers"]):
        missing = [language for language in languages if not signer["statement"].get(language)]
        if missing:
            found.append(
                _problem(
                    f"signers.{index}.statement",
                    Message("no statement in {languages}", languages=", ".join(missing)),
                )
            )
    return found


def _signer_problems(roles: list[str]) -> list[dict[str, Any]]:
    found = []
    if len(set(roles)) != len(roles) or roles != sorted(
        roles, key=[role.value for role in SIGNING_ORDER].index
    ):
        found.append(
            _problem(
                "signers",
                Message(
                    "each signer once, in this order: subject, representative, witness,"
                    " investigator"
                ),
            )
        )
    if SignerRole.SUBJECT not in roles or SignerRole.INVESTIGATOR not in roles:
        found.append(
            _problem("signers", Message("the subject signs, and the investigator countersigns"))
        )
    return found


def _part_problems(
    by_code: Mapping[str, Question], content: Mapping[str, Any]
) -> list[dict[str, Any]]:
    found = []
    for code in content["correct_answers"]:
        if code not in by_code:
            found.append(_problem(f"correct_answers.{code}", Message("not a question here")))
    for index, code in enumerate(content["optional_parts"]):
        question = by_code.get(code)
        if question is None or question.type != QuestionType.YES_NO or question.required:
            found.append(
                _problem(
                    f"optional_parts.{index}",
                    Message("an optional part is a yes/no question that is not required"),
                )
            )
        elif code in content["correct_answers"]:
            found.append(
                _problem(f"optional_parts.{index}", Message("an optional part has no right answer"))
            )
    return found


def check_content(content: Mapping[str, Any]) -> dict[str, Any]:
    """The content with its comprehension answers cleaned, or 422 with every problem."""
    questions = block_questions(content["blocks"])
    by_code = {question.code: question for question in questions}
    problems: list[dict[str, Any]] = [
        {"field": f"blocks.{p.question}.{p.field}", "message": p.message}
        for p in design_problems(questions)
    ]
    problems += _language_problems(content)
    problems += _signer_problems([signer["role"] for signer in content["signers"]])
    problems += _part_problems(by_code, content)
    if problems:
        raise invalid(
            EconsentCodes.CONSENT_VERSION_INVALID,
            Message("The consent version has problems."),
            problems=problems,
        )
    correct = clean_answers(
        by_code, content["correct_answers"], Message("Not a question of this document.")
    )
    return {**content, "correct_answers": correct}
