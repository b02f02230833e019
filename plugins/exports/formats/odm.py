"""CDISC ODM 1.3.2 XML, written element by element as the subjects come (never a tree in
memory): the study's metadata (MetaDataVersion), its centers and signature meanings
(AdminData), then ClinicalData down to ItemData with each value's last AuditRecord and the
signatures; a section filled once per zone (side by side) has a repeating ItemGroup keyed
by the zone's code. Datacapt's extension (docs/exports.md) carries the history of each
value, queries, verification, subjects' status and arm, each zone's name and product, and
the locks. Values are the coded values whatever the definition asks (the CodeLists decode
them)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import IO, Any
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from datacapt.toolkit import QuestionType, study_centers
from plugins.ecrf.api import PLAIN
from plugins.exports.definitions.models import Extra
from plugins.exports.extract.chunks import Chunk, SubjectRow
from plugins.exports.extract.design import Item
from plugins.exports.extract.tables import cell
from plugins.exports.formats.base import Context, FormatProblem, OutputFile, Writer, text
from plugins.exports.odm import EXTENSION_NAMESPACE, ODM_NAMESPACE

DATA_TYPES: dict[str, str] = {
    QuestionType.INTEGER: "integer",
    QuestionType.DECIMAL: "float",
    QuestionType.SCALE: "float",
    QuestionType.DATE: "date",
    QuestionType.TIME: "time",
    QuestionType.DATETIME: "datetime",
    QuestionType.YES_NO: "integer",
}
MEANINGS = {
    "review": "Reviewed",
    "approval": "Approved",
    "responsibility": "Responsible for the data",
    "authorship": "Author of the data",
}


def stamp(value: dt.datetime | None) -> str:
    """An ODM date and time (UTC)."""
    if value is None:
        return ""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def zone_group_oid(section_uuid: str) -> str:
    """The OID of the repeating ItemGroup of a section's values per zone."""
    return f"IG.{section_uuid}.ZONES"


def _code_list_type(item: Item) -> str:
    values = [value for value, _ in item.choices] or [1]
    if item.type == QuestionType.YES_NO or all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        return "integer"
    return "text"


class OdmWriter(Writer):
    def __init__(self, context: Context):
        super().__init__(context)
        # The sections filled once per zone, in a run of the zone assessments.
        self.zoned = {
            section.uuid
            for section in context.design.sections
            if section.instanced and Extra.ZONE_ASSESSMENTS in context.extras
        }
        if any(item.is_group for item in context.design.items if item.section_uuid in self.zoned):
            # An ItemGroupData per zone cannot hold a group's rows: refused, not left out.
            raise FormatProblem(
                "ODM has no place for a repeating group filled per zone: export the zone"
                " assessments as CSV, Excel, SAS or SPSS."
            )
        self.by_code = {item.code: item for item in context.design.items}
        self.path = context.directory / f"{context.prefix}.xml"
        self.handle: IO[str] = self.path.open("w", encoding="utf-8")
        self.xml = XMLGenerator(self.handle, "utf-8", short_empty_elements=True)
        self.study_oid = f"ST.{context.study.reference}"
        version = context.design.ecrf_version
        self.version_oid = f"MDV.{version}"
        self.items = [item for item in context.design.items]
        self.sections = context.design.sections
        self.values = 0
        self._start()

    # -- helpers
    def _open(self, name: str, **attributes: Any) -> None:
        self.xml.startElement(
            name, AttributesImpl({k: str(v) for k, v in attributes.items() if v not in (None, "")})
        )

    def _close(self, name: str) -> None:
        self.xml.endElement(name)

    def _leaf(self, name: str, content: str | None = None, **attributes: Any) -> None:
        self._open(name, **attributes)
        if content:
            self.xml.characters(content)
        self._close(name)

    def _text(self, name: str, content: str) -> None:
        self._open(name)
        self._leaf("TranslatedText", content, **{"xml:lang": "en"})
        self._close(name)

    # -- the metadata
    def _start(self) -> None:
        study = self.context.study
        self.xml.startDocument()
        self._open(
            "ODM",
            xmlns=ODM_NAMESPACE,
            **{"xmlns:dc": EXTENSION_NAMESPACE},
            ODMVersion="1.3.2",
            FileType="Snapshot",
            Granularity="All",
            FileOID=f"{self.study_oid}.{self.context.prefix}",
            CreationDateTime=stamp(self.context.as_of),
            AsOfDateTime=stamp(self.context.as_of),
            SourceSystem="Datacapt",
        )
        self._open("Study", OID=self.study_oid)
        self._open("GlobalVariables")
        self._leaf("StudyName", study.name)
        self._leaf("StudyDescription", study.description or study.name)
        self._leaf("ProtocolName", study.reference)
        self._close("GlobalVariables")
        self._metadata()
        self._close("Study")
        self._admin()
        self._open("ClinicalData", StudyOID=self.study_oid, MetaDataVersionOID=self.version_oid)

    def _metadata(self) -> None:
        self._open(
            "MetaDataVersion",
            OID=self.version_oid,
            Name=f"eCRF version {self.context.design.ecrf_version}",
            Description=f"Design revision {self.context.design.ecrf_revision}",
        )
        self._open("Protocol")
        for order, section in enumerate(self.sections, start=1):
            self._leaf(
                "StudyEventRef",
                StudyEventOID=f"SE.{section.uuid}",
                OrderNumber=order,
                Mandatory="No",
            )
        self._close("Protocol")
        for section in self.sections:
            self._open(
                "StudyEventDef",
                OID=f"SE.{section.uuid}",
                Name=section.title,
                Repeating="No",
                Type="Scheduled",
            )
            self._leaf("FormRef", FormOID=f"F.{section.uuid}", Mandatory="No")
            self._close("StudyEventDef")
        for section in self.sections:
            self._open("FormDef", OID=f"F.{section.uuid}", Name=section.title, Repeating="No")
            self._leaf("ItemGroupRef", ItemGroupOID=f"IG.{section.uuid}", Mandatory="No")
            for item in section.items:
                if item.is_group:
                    self._leaf("ItemGroupRef", ItemGroupOID=f"IG.{item.code}", Mandatory="No")
            if section.uuid in self.zoned:
                self._leaf(
                    "ItemGroupRef", ItemGroupOID=zone_group_oid(section.uuid), Mandatory="No"
                )
            self._close("FormDef")
        for section in self.sections:
            self._open("ItemGroupDef", OID=f"IG.{section.uuid}", Name=section.title, Repeating="No")
            for item in section.items:
                if not item.is_group:
                    self._leaf("ItemRef", ItemOID=f"I.{item.code}", Mandatory="No")
            self._close("ItemGroupDef")
            for item in section.items:
                if item.is_group:
                    self._open(
                        "ItemGroupDef",
                        OID=f"IG.{item.code}",
                        Name=item.label or item.code,
                        Repeating="Yes",
                    )
                    for column in item.columns:
                        self._leaf(
                            "ItemRef", ItemOID=f"I.{item.code}.{column.code}", Mandatory="No"
                        )
                    self._close("ItemGroupDef")
            if section.uuid in self.zoned:
                self._open(
                    "ItemGroupDef",
                    OID=zone_group_oid(section.uuid),
                    Name=f"{section.title} per zone",
                    Repeating="Yes",
                )
                for item in section.items:
                    self._leaf("ItemRef", ItemOID=f"I.{item.code}", Mandatory="No")
                self._close("ItemGroupDef")
        coded: list[tuple[str, Item]] = []
        for item in self.items:
            members = (
                [(f"{item.code}.{c.code}", c) for c in item.columns]
                if item.is_group
                else [(item.code, item)]
            )
            for oid, member in members:
                self._open(
                    "ItemDef",
                    OID=f"I.{oid}",
                    Name=oid,
                    DataType=DATA_TYPES.get(member.type, "text"),
                )
                self._text("Question", member.label or member.code)
                if member.codes:
                    self._leaf("CodeListRef", CodeListOID=f"CL.{oid}")
                    coded.append((oid, member))
                self._close("ItemDef")
        for oid, member in coded:
            self._open("CodeList", OID=f"CL.{oid}", Name=oid, DataType=_code_list_type(member))
            for value, label in (member.codes or {}).items():
                self._open("CodeListItem", CodedValue=text(value))
                self._text("Decode", label)
                self._close("CodeListItem")
            self._close("CodeList")
        self._close("MetaDataVersion")

    def _admin(self) -> None:
        self._open("AdminData")
        self._open("Location", OID="L.STUDY", Name=self.context.study.name, LocationType="Sponsor")
        self._leaf(
            "MetaDataVersionRef",
            StudyOID=self.study_oid,
            MetaDataVersionOID=self.version_oid,
            EffectiveDate=self.context.as_of.date().isoformat(),
        )
        self._close("Location")
        for center in study_centers(self.context.study):
            self._open("Location", OID=f"L.{center.code}", Name=center.name, LocationType="Site")
            self._leaf(
                "MetaDataVersionRef",
                StudyOID=self.study_oid,
                MetaDataVersionOID=self.version_oid,
                EffectiveDate=self.context.as_of.date().isoformat(),
            )
            self._close("Location")
        for meaning, legal in MEANINGS.items():
            self._open("SignatureDef", OID=f"SD.{meaning}", Methodology="Electronic")
            self._leaf("Meaning", legal)
            self._leaf("LegalReason", f"21 CFR Part 11 electronic signature: {legal.lower()}")
            self._close("SignatureDef")
        self._close("AdminData")

    # -- the data
    def write(self, chunk: Chunk) -> int:
        history: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for record in chunk.audit:
            history[(record["subject"], record["question"])].append(record)
        queries: dict[tuple[str, str | None, str], list[dict[str, Any]]] = defaultdict(list)
        for query in chunk.queries:
            queries[(query["subject"], query["question"], query["zone"])].append(query)
        verified = {(v["subject"], v["question"], v["zone"]): v for v in chunk.verifications}
        signatures: dict[tuple[str, str | None], dict[str, Any]] = {}
        for signature in chunk.signatures:  # oldest first: the last one stays
            signatures[(signature["subject"], signature["section"])] = signature
        # (subject, section) -> zone -> its values, in the design's order (as read).
        zones: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = defaultdict(dict)
        for value in chunk.zone_assessments:
            if value["section"] in self.zoned:
                by_zone = zones[(value["subject"], value["section"])]
                by_zone.setdefault(value["zone"], []).append(value)
        for subject in chunk.subjects:
            self._subject(
                subject,
                chunk.answers.get(subject.id, {}),
                zones,
                history,
                queries,
                verified,
                signatures,
            )
        return len(chunk.subjects)

    def _signature(self, signature: dict[str, Any] | None, center: str) -> None:
        if signature is None:
            return
        self._open("Signature")
        self._leaf("UserRef", UserOID=f"U.{signature['printed_name']}")
        self._leaf("LocationRef", LocationOID=f"L.{center}")
        self._leaf("SignatureRef", SignatureOID=f"SD.{signature['meaning']}")
        self._leaf("DateTimeStamp", stamp(signature["signed_at"]))
        self._close("Signature")

    def _manifestation(self, signature: dict[str, Any] | None) -> None:
        if signature is not None:
            self._leaf(
                "dc:SignatureManifestation",
                SignatureOID=f"SG.{signature['uuid']}",
                PrintedName=signature["printed_name"],
                Meaning=signature["meaning"],
                State=signature["state"],
            )

    def _queries(self, found: list[dict[str, Any]]) -> None:
        for query in found:
            self._leaf(
                "dc:Query",
                query["message"],
                QueryOID=f"Q.{query['uuid']}",
                Status=query["status"],
                Level=query["level"],
                Origin=query["origin"],
                OpenedAt=stamp(query["opened_at"]),
                ClosedAt=stamp(query["closed_at"]),
            )

    def _zones(
        self,
        subject: SubjectRow,
        section: str,
        by_zone: dict[str, list[dict[str, Any]]],
        queries,
        verified,
    ) -> None:
        """A section's values per zone: an ItemGroupData per zone keyed by its code, each
        value with that zone's queries and verification, the zone (and, in a run that may
        name products, the product) in the extension."""
        for zone, values in by_zone.items():
            self._open(
                "ItemGroupData", ItemGroupOID=zone_group_oid(section), ItemGroupRepeatKey=zone
            )
            for value in values:
                if value["value"] is not None:
                    code = value["question"]
                    self._item(
                        subject,
                        code,
                        self.by_code[code],
                        value["value"],
                        {},
                        queries,
                        verified,
                        zone,
                    )
            first = values[0]
            self._leaf(
                "dc:Zone",
                Code=zone,
                Name=first["zone_name"],
                ProductCode=first["code"],
                Product=first.get("product") if self.context.product else None,
            )
            self._close("ItemGroupData")

    def _subject(
        self,
        subject: SubjectRow,
        answers: dict[str, Any],
        zones: dict[tuple[str, str], dict[str, list[dict[str, Any]]]],
        history,
        queries,
        verified,
        signatures,
    ) -> None:
        self._open("SubjectData", SubjectKey=subject.label)
        self._signature(signatures.get((subject.label, None)), subject.center)
        self._leaf("SiteRef", LocationOID=f"L.{subject.center}")
        for section in self.sections:
            present = [item for item in section.items if answers.get(item.code) is not None]
            signature = signatures.get((subject.label, section.uuid))
            by_zone = zones.get((subject.label, section.uuid), {})
            if not present and signature is None and not by_zone:
                continue
            self._open("StudyEventData", StudyEventOID=f"SE.{section.uuid}")
            self._signature(signature, subject.center)
            self._open("FormData", FormOID=f"F.{section.uuid}")
            plain_items = [item for item in present if not item.is_group]
            if plain_items:
                self._open("ItemGroupData", ItemGroupOID=f"IG.{section.uuid}")
                for item in plain_items:
                    self._item(
                        subject, item.code, item, answers[item.code], history, queries, verified
                    )
                self._close("ItemGroupData")
            for group in (item for item in present if item.is_group):
                for index, row in enumerate(answers[group.code], start=1):
                    self._open(
                        "ItemGroupData", ItemGroupOID=f"IG.{group.code}", ItemGroupRepeatKey=index
                    )
                    for column in group.columns:
                        if row.get(column.code) is not None:
                            self._item(
                                subject,
                                f"{group.code}.{column.code}",
                                column,
                                row[column.code],
                                {},
                                {},
                                {},
                            )
                    self._close("ItemGroupData")
            self._zones(subject, section.uuid, by_zone, queries, verified)
            self._close("FormData")
            self._manifestation(signature)
            self._close("StudyEventData")
        self._leaf(
            "dc:SubjectStatus",
            Status=subject.status,
            InclusionDate=subject.inclusion_date.isoformat() if subject.inclusion_date else None,
            Arm=subject.arm,
        )
        self._queries(queries.get((subject.label, None, PLAIN), []))
        self._manifestation(signatures.get((subject.label, None)))
        self._close("SubjectData")

    def _item(
        self,
        subject: SubjectRow,
        oid: str,
        item: Item,
        value: Any,
        history,
        queries,
        verified,
        zone: str = PLAIN,
    ) -> None:
        self.values += 1
        self._open("ItemData", ItemOID=f"I.{oid}", Value=text(cell(item, value, labels=False)))
        changes = history.get((subject.label, item.code), [])
        if changes:
            last = changes[-1]
            self._open("AuditRecord")
            self._leaf("UserRef", UserOID=f"U.{last['user']}")
            self._leaf("LocationRef", LocationOID=f"L.{subject.center}")
            self._leaf("DateTimeStamp", stamp(last["at"]))
            if last["reason"]:
                self._leaf("ReasonForChange", last["reason"])
            self._close("AuditRecord")
        for change in changes:
            self._leaf(
                "dc:Change",
                Sequence=change["sequence"],
                Action=change["action"],
                DateTimeStamp=stamp(change["at"]),
                User=change["user"],
                OldValue=None if change["old"] is None else text(change["old"]),
                NewValue=None if change["new"] is None else text(change["new"]),
                Reason=change["reason"],
            )
        self._queries(queries.get((subject.label, item.code, zone), []))
        check = verified.get((subject.label, item.code, zone))
        if check is not None:
            self._leaf(
                "dc:Verification",
                VerifiedBy=check["verified_by"],
                DateTimeStamp=stamp(check["verified_at"]),
            )
        self._close("ItemData")

    def finish(self, locks: list[dict[str, Any]]) -> list[OutputFile]:
        for lock in locks:
            self._leaf(
                "dc:Lock",
                LockOID=f"LK.{lock['uuid']}",
                Level=lock["level"],
                Status=lock["status"],
                SubjectKey=lock["subject"],
                LocationOID=f"L.{lock['center']}" if lock["center"] else None,
                StudyEventOID=f"SE.{lock['section']}" if lock["section"] else None,
                Zone=lock["zone"],
                FrozenAt=stamp(lock["frozen_at"]),
                LockedAt=stamp(lock["locked_at"]),
            )
        self._close("ClinicalData")
        self._close("ODM")
        self.xml.endDocument()
        self.handle.close()
        return [OutputFile(self.path, "application/xml", self.values)]
