"""Templates as a JSON file between tenants (a vendor's standard library): the format, its
JSON Schema, the export, and the import, checked whole and kept whole or not at all.

A template keeps its uuid from tenant to tenant: importing a later file of the same
library adds the versions the tenant lacks; a version it holds must be the same."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from datacapt.toolkit import (
    MAX_JSON_DEPTH,
    Message,
    current_tenant,
    db,
    has_refused_characters,
    invalid,
    json_depth,
    json_strings,
    lock_document,
    not_found,
    utcnow,
)
from plugins.templates import kinds, services
from plugins.templates.errors import TemplatesCodes
from plugins.templates.models import Template, TemplateKind

FORMAT = "datacapt.templates"
FORMAT_VERSION = 1
MAX_TEMPLATES = 500
MAX_VERSIONS = 200
MAX_PROBLEMS = 100

_TEXT = {"type": "string"}
#: The file's JSON Schema (draft 2020-12); each content is further the write schema of
#: the module its kind belongs to (docs/templates.md).
FILE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://datacapt.eu/schemas/templates-1.json",
    "title": "Datacapt templates file",
    "type": "object",
    "required": ["format", "format_version", "templates"],
    "properties": {
        "format": {"const": FORMAT},
        "format_version": {"const": FORMAT_VERSION},
        "exported_at": {"type": "string", "format": "date-time"},
        "templates": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_TEMPLATES,
            "items": {
                "type": "object",
                "required": ["uuid", "name", "kind", "versions"],
                "properties": {
                    "uuid": {"type": "string", "format": "uuid"},
                    "name": {**_TEXT, "minLength": 1, "maxLength": 200},
                    "kind": {"enum": list(TemplateKind)},
                    "description": {**_TEXT, "maxLength": 10_000},
                    "tags": {
                        "type": "array",
                        "maxItems": 20,
                        "items": {**_TEXT, "minLength": 1, "maxLength": 40},
                    },
                    "versions": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": MAX_VERSIONS,
                        "description": "Numbered 1, 2, 3... in order",
                        "items": {
                            "type": "object",
                            "required": ["number", "content"],
                            "properties": {
                                "number": {"type": "integer", "minimum": 1},
                                "note": {**_TEXT, "maxLength": 2000},
                                "content": {"type": "object"},
                            },
                        },
                    },
                },
            },
        },
    },
}


class VersionFileSchema(ma.Schema):
    number = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1))
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    content = ma.fields.Dict(required=True)


class TemplateFileSchema(ma.Schema):
    uuid = ma.fields.UUID(required=True)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(list(TemplateKind)))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=10_000))
    tags = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
        load_default=list,
        validate=ma.validate.Length(max=20),
    )
    versions = ma.fields.List(
        ma.fields.Nested(VersionFileSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_VERSIONS),
    )

    @ma.validates_schema
    def _numbered_in_order(self, data, **_kwargs):
        numbers = [version["number"] for version in data.get("versions", [])]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ma.ValidationError("Versions are numbered 1, 2, 3... in order.", "versions")


class TemplatesFileSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    format = ma.fields.String(required=True, validate=ma.validate.Equal(FORMAT))
    format_version = ma.fields.Integer(
        required=True, strict=True, validate=ma.validate.Equal(FORMAT_VERSION)
    )
    exported_at = ma.fields.String(load_default=None)
    templates = ma.fields.List(
        ma.fields.Nested(TemplateFileSchema, unknown=ma.RAISE),
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_TEMPLATES),
    )


def export(template_uuids: Sequence[uuid.UUID]) -> dict[str, Any]:
    """The file of these templates, every version of each."""
    wanted = list(dict.fromkeys(template_uuids))
    templates = db.session.execute(
        sa.select(Template)
        .where(Template.uuid.in_(wanted))
        .options(selectinload(Template.versions))
    ).scalars()
    by_uuid = {template.uuid: template for template in templates}
    missing = [str(u) for u in wanted if u not in by_uuid]
    if missing:
        raise not_found(Message("No such template."))
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": utcnow().isoformat(),
        "templates": [
            {
                "uuid": str(template.uuid),
                "name": template.name,
                "kind": template.kind,
                "description": template.description,
                "tags": template.tags,
                "versions": [
                    {"number": v.number, "note": v.note, "content": v.content}
                    for v in template.versions
                ],
            }
            for template in (by_uuid[u] for u in wanted)
        ],
    }


def _parsed(raw: bytes) -> Any:
    try:
        parsed = json.loads(raw.decode("utf-8"), parse_constant=_not_json)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _refused([("", Message("The file is not JSON in UTF-8."))]) from None
    if json_depth(parsed) > MAX_JSON_DEPTH:
        raise _refused(
            [("", Message("The file nests deeper than {limit} levels.", limit=MAX_JSON_DEPTH))]
        )
    refused = [path for path, text in json_strings(parsed) if has_refused_characters(text)]
    if refused:
        raise _refused(
            [
                (path, Message("Text cannot hold the NUL character or an unpaired surrogate."))
                for path in refused[:100]
            ]
        )
    return parsed


def _not_json(constant: str) -> Any:
    """NaN and Infinity, which Python's JSON reader takes, are no JSON."""
    raise ValueError(f"{constant} is not JSON")


def _refused(problems: list[kinds.Problem]) -> Exception:
    return invalid(
        TemplatesCodes.TEMPLATE_FILE_INVALID,
        Message("The templates file has problems: nothing was imported."),
        field="file",
        problems=[{"path": path, "message": message} for path, message in problems[:MAX_PROBLEMS]],
        count=len(problems),
    )


def _held(file_templates: list[Mapping[str, Any]]) -> dict[uuid.UUID, Template]:
    """The templates the tenant holds already, locked (their version numbers)."""
    wanted = [template["uuid"] for template in file_templates]
    return {
        template.uuid: template
        for template in db.session.execute(
            sa.select(Template)
            .where(Template.uuid.in_(wanted))
            .options(selectinload(Template.versions))
            .with_for_update(of=Template)
        ).scalars()
    }


def _template_problems(
    index: int, template: Mapping[str, Any], held: Template | None
) -> tuple[list[dict[str, Any]], list[kinds.Problem]]:
    """The contents of a template's versions as stored, and the problems."""
    path = f"templates.{index}"
    problems: list[kinds.Problem] = []
    contents: list[dict[str, Any]] = []
    if held is not None and held.kind != template["kind"]:
        problems.append((f"{path}.kind", Message("The template is held here as another kind.")))
    held_versions = {v.number: v.content for v in held.versions} if held is not None else {}
    kind = kinds.KINDS[TemplateKind(template["kind"])]
    for position, version in enumerate(template["versions"]):
        content, found = kind.problems(version["content"])
        problems += [
            (f"{path}.versions.{position}.content" + (f".{p}" if p else ""), m) for p, m in found
        ]
        number = version["number"]
        if content is not None and number in held_versions and held_versions[number] != content:
            problems.append(
                (
                    f"{path}.versions.{position}",
                    Message("This version differs from the one held here."),
                )
            )
        contents.append(content or {})
    return contents, problems


def import_file(raw: bytes) -> dict[str, Any]:
    """Every template of the file, or nothing and every problem with its path."""
    try:
        document = TemplatesFileSchema().load(_parsed(raw))
    except ma.ValidationError as error:
        raise _refused(kinds.error_paths(error.messages, "")) from None
    # One import at a time per tenant: two never both find a template new and make it.
    lock_document("templates_import", current_tenant().schema_name)
    problems: list[kinds.Problem] = []
    seen: set[uuid.UUID] = set()
    for index, template in enumerate(document["templates"]):
        if template["uuid"] in seen:
            problems.append((f"templates.{index}.uuid", Message("The file holds it twice.")))
        seen.add(template["uuid"])
    held = _held(document["templates"])
    checked = []
    for index, template in enumerate(document["templates"]):
        contents, found = _template_problems(index, template, held.get(template["uuid"]))
        problems += found
        checked.append((template, contents))
    if problems:
        raise _refused(problems)
    created, versions_added = [], 0
    for template, contents in checked:
        existing = held.get(template["uuid"])
        if existing is None:
            first = {**template, "note": template["versions"][0]["note"]}
            existing = services.create_template(first, contents[0], template["uuid"])
            created.append(existing.uuid)
            versions_added += 1
        for version, content in zip(template["versions"], contents, strict=True):
            if version["number"] > existing.latest:
                services.add_version(existing, content, version["note"])
                versions_added += 1
    return {
        "templates": [template["uuid"] for template in document["templates"]],
        "created": created,
        "versions_added": versions_added,
    }
