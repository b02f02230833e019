"""The forms of a study whose texts are translated here: its eCRF (known by the study's
uuid) and its ePRO questionnaires, each with its texts by path, its version (ETag) and a
save of its changed texts through the module that keeps it (audited there, under the
form's version lock)."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from datacapt.toolkit import (
    FormText,
    Message,
    Study,
    db,
    form_texts,
    get_in_study,
    not_found,
    plugin_enabled,
    study_query,
)


class FormKind(enum.StrEnum):
    ECRF = "ecrf"
    EPRO = "epro"


@dataclass
class Form:
    kind: FormKind
    uuid: uuid.UUID
    code: str
    etag: str
    texts: list[FormText]
    # Saves the form with its texts as changed in place; answers the new ETag.
    save: Callable[[], str]


NO_SUCH_FORM = Message("No such form in this study.")

# Questionnaire fields a save takes back as they are.
_QUESTIONNAIRE_FIELDS = ("code", "title", "blocks", "channels", "schedule", "reminders", "active")


def _ecrf(study: Study, for_update: bool) -> Form:
    from plugins.ecrf.api import design, locked_design, save_design

    # A copy: texts change in place, and the rows' own values must stay as read.
    document = deepcopy(locked_design(study) if for_update else design(study))

    def save() -> str:
        return save_design(study, {"sections": document["sections"]})["etag"]

    return Form(
        FormKind.ECRF,
        study.uuid,
        "ecrf",
        document["etag"],
        form_texts(sections=document["sections"]),
        save,
    )


def _questionnaire_form(study: Study, questionnaire: Any) -> Form:
    from plugins.epro.api import questionnaire_etag, update_questionnaire

    data = deepcopy({name: getattr(questionnaire, name) for name in _QUESTIONNAIRE_FIELDS})

    def save() -> str:
        return questionnaire_etag(update_questionnaire(study, questionnaire, data))

    return Form(
        FormKind.EPRO,
        questionnaire.uuid,
        questionnaire.code,
        questionnaire_etag(questionnaire),
        form_texts(blocks=data["blocks"], title=data),
        save,
    )


def _questionnaires(study: Study) -> list[Any]:
    from plugins.epro.api import Questionnaire

    return list(
        db.session.execute(study_query(Questionnaire, study).order_by(Questionnaire.code)).scalars()
    )


def study_forms(study: Study) -> list[Form]:
    """Every form of the study in the modules the tenant enabled."""
    found = []
    if plugin_enabled("ecrf"):
        found.append(_ecrf(study, for_update=False))
    if plugin_enabled("epro"):
        found.extend(_questionnaire_form(study, q) for q in _questionnaires(study))
    return found


def get_form(study: Study, kind: str, form_uuid: uuid.UUID, for_update: bool = False) -> Form:
    """One form of the study; ``for_update`` locks it until the transaction ends."""
    if kind == FormKind.ECRF and plugin_enabled("ecrf") and form_uuid == study.uuid:
        return _ecrf(study, for_update)
    if kind == FormKind.EPRO and plugin_enabled("epro"):
        from plugins.epro.api import Questionnaire

        questionnaire = get_in_study(Questionnaire, form_uuid, NO_SUCH_FORM, study=study)
        if for_update:
            db.session.refresh(questionnaire, with_for_update=True)
        return _questionnaire_form(study, questionnaire)
    raise not_found(NO_SUCH_FORM)
