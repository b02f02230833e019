"""What the translations endpoints read and answer."""

from __future__ import annotations

import marshmallow as ma

from plugins.translations.forms import FormKind


class LanguageCountSchema(ma.Schema):
    language = ma.fields.String()
    total = ma.fields.Integer(metadata={"description": "Texts with a source text"})
    translated = ma.fields.Integer(metadata={"description": "Translated, stale ones included"})
    missing = ma.fields.Integer()
    stale = ma.fields.Integer(
        metadata={"description": "Translated from a source text that changed since"}
    )


class FormCompletenessSchema(ma.Schema):
    kind = ma.fields.String(validate=ma.validate.OneOf(list(FormKind)))
    uuid = ma.fields.UUID(metadata={"description": "The eCRF's is its study's"})
    code = ma.fields.String()
    etag = ma.fields.String(metadata={"description": "The form's version, for If-Match"})
    default_language = ma.fields.String()
    languages = ma.fields.List(ma.fields.Nested(LanguageCountSchema))


class TextTranslationSchema(ma.Schema):
    language = ma.fields.String()
    text = ma.fields.String(allow_none=True)
    stale = ma.fields.Boolean()


class FormTextSchema(ma.Schema):
    path = ma.fields.String(metadata={"description": "Where the text is in the form"})
    source = ma.fields.String(metadata={"description": "The text in the default language"})
    translations = ma.fields.List(ma.fields.Nested(TextTranslationSchema))


class FormDetailSchema(FormCompletenessSchema):
    texts = ma.fields.List(ma.fields.Nested(FormTextSchema))


class LanguageQuerySchema(ma.Schema):
    language = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=35),
        metadata={"description": "A language the study offers, other than its default"},
    )


class StaleTextSchema(ma.Schema):
    path = ma.fields.String()
    source = ma.fields.String(metadata={"description": "The form's source text now"})
    file_source = ma.fields.String(metadata={"description": "The source the file translated"})


class ImportReportSchema(ma.Schema):
    language = ma.fields.String()
    etag = ma.fields.String(metadata={"description": "The form's version after the import"})
    written = ma.fields.List(ma.fields.String(), metadata={"description": "Paths written"})
    unchanged = ma.fields.List(ma.fields.String())
    missing = ma.fields.List(
        ma.fields.String(), metadata={"description": "No translation in the file, or fuzzy"}
    )
    stale = ma.fields.List(
        ma.fields.Nested(StaleTextSchema),
        metadata={"description": "Translated from another source text: not written"},
    )
    # Not "unknown" in Python: a schema's own setting has that name.
    unknown_paths = ma.fields.List(
        ma.fields.String(),
        attribute="unknown",
        data_key="unknown",
        metadata={"description": "Paths the form does not have"},
    )
