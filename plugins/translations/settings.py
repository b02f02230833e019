"""A study's languages for its forms: its default and the others it offers (the module's
study settings, PATCH /api/plugins/translations/study-settings)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from datacapt.toolkit import FormLanguages, Study, language_tag, study_settings

MAX_LANGUAGES = 50


class LanguageTag(ma.fields.String):
    """A language tag babel knows, kept in its canonical form (``pt-BR``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return language_tag(text)
        except ValueError:
            raise ma.ValidationError("Not a known language tag (en, fr, pt-BR...).") from None


class StudySettingsSchema(ma.Schema):
    default_language = LanguageTag(
        load_default="en",
        metadata={"description": "The language forms are written in, and read in by default"},
    )
    languages = ma.fields.List(
        LanguageTag(),
        load_default=list,
        validate=ma.validate.Length(max=MAX_LANGUAGES),
        metadata={"description": "The other languages the study offers"},
    )


def study_form_languages(study: Study) -> FormLanguages:
    """The study's default language and every language it offers, the default first."""
    settings = study_settings("translations", study)
    default = settings["default_language"]
    return FormLanguages(default, tuple(dict.fromkeys([default, *settings["languages"]])))
