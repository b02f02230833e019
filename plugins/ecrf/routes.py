"""The eCRF of the study named by the Study-Uuid header: its design, read and saved
whole; data entry per subject and section; progress and the study dashboard."""

from __future__ import annotations

from datacapt.toolkit import ETAG_HEADER, IF_MATCH, ApiView, Blueprint, current_study, read_if_match
from plugins.ecrf import entry, permissions, progress, services
from plugins.ecrf.schemas import (
    DashboardReadSchema,
    EcrfReadSchema,
    EcrfWriteSchema,
    SectionAnswersWriteSchema,
    SectionEntryReadSchema,
    SubjectProgressReadSchema,
    SubjectSectionsProgressReadSchema,
)
from plugins.subjects.api import get_subject

blp = Blueprint(
    "ecrf", __name__, url_prefix="/api/ecrf", description="eCRF: design, data entry, progress"
)


@blp.route("/")
class EcrfDesign(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "PUT": permissions.EDIT}

    @blp.response(200, EcrfReadSchema, headers=ETAG_HEADER)
    def get(self):
        """Sections (visits) -> subsections -> blocks, in order, with the design version
        (the ETag header is the revision to send back in If-Match)."""
        design = services.design(current_study())
        return design, 200, {"ETag": design["etag"]}

    @blp.arguments(EcrfWriteSchema)
    @blp.reads_headers(IF_MATCH)
    @blp.errors(
        {409: "The study ended or is archived (ECRF_LOCKED)."},
        {409: "The change would remove or retype questions with data (ECRF_CHANGE_REFUSED)."},
        {422: "The design has problems; details.problems lists them (ECRF_DESIGN_INVALID)."},
    )
    @blp.response(200, EcrfReadSchema, headers=ETAG_HEADER)
    def put(self, data):
        """Save the whole design, based on the revision read (If-Match): create, change,
        reorder and remove elements at once (elements keep their identity by uuid). See
        docs/forms.md for questions and rules."""
        design = services.save_design(current_study(), data)
        return design, 200, {"ETag": design["etag"]}


@blp.route("/subjects/")
class SubjectsProgress(ApiView):
    permissions_registry = {"GET": permissions.DATA_VIEW}

    @blp.response(200, SubjectProgressReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's subjects (visible centers) with their completion."""
        return progress.page_with_progress(current_study(), pagination_parameters)


@blp.route("/subjects/<uuid:subject_uuid>/sections/<uuid:section_uuid>")
class SubjectSection(ApiView):
    permissions_registry = {"GET": permissions.DATA_VIEW, "PUT": permissions.DATA_EDIT}

    @blp.errors({409: "The section is filled once per zone (ECRF_SECTION_INSTANCED)."})
    @blp.response(200, SectionEntryReadSchema, headers=ETAG_HEADER)
    def get(self, subject_uuid, section_uuid):
        """A subject's section: questions, answers, visibility, calculated values, findings
        (the ETag header is the version to send back in If-Match)."""
        study = current_study()
        view = entry.read_section(study, get_subject(study, subject_uuid), section_uuid)
        return view, 200, {"ETag": entry.etag(view["version"])}

    @blp.arguments(SectionAnswersWriteSchema)
    @blp.reads_headers(IF_MATCH)
    @blp.errors(
        {
            409: "The subject was excluded or withdrawn: nothing is entered until they are "
            "reopened (SUBJECT_PARTICIPATION_ENDED)."
        },
        {
            409: "Where monitoring is enabled: a freeze or a lock holds answers the save would "
            "change; details.level names it (DATA_FROZEN, DATA_LOCKED)."
        },
        {409: "The section is filled once per zone (ECRF_SECTION_INSTANCED)."},
    )
    @blp.response(200, SectionEntryReadSchema, headers=ETAG_HEADER)
    def put(self, data, subject_uuid, section_uuid):
        """Save some of the section's answers, based on the version read (If-Match); every
        change after the first entry needs a Reason-For-Change."""
        study = current_study()
        view = entry.save_section(
            study,
            get_subject(study, subject_uuid),
            section_uuid,
            data["answers"],
            read_if_match(),
        )
        return view, 200, {"ETag": entry.etag(view["version"])}


@blp.route("/subjects/<uuid:subject_uuid>/sections/<uuid:section_uuid>/instances/<instance>")
class SubjectSectionInstance(ApiView):
    permissions_registry = {"GET": permissions.DATA_VIEW, "PUT": permissions.DATA_EDIT}

    @blp.errors({404: "The section is not instanced, or the subject has no such instance (zone)."})
    @blp.response(200, SectionEntryReadSchema, headers=ETAG_HEADER)
    def get(self, subject_uuid, section_uuid, instance):
        """One instance (a split-body study's zone) of a subject's section filled once per
        instance: as a section's read, its ETag the instance's version."""
        study = current_study()
        view = entry.read_section(study, get_subject(study, subject_uuid), section_uuid, instance)
        return view, 200, {"ETag": entry.etag(view["version"])}

    @blp.arguments(SectionAnswersWriteSchema)
    @blp.reads_headers(IF_MATCH)
    @blp.errors(
        {404: "The section is not instanced, or the subject has no such instance (zone)."},
        {
            409: "The subject was excluded or withdrawn (SUBJECT_PARTICIPATION_ENDED); a "
            "freeze or a lock holds the section (DATA_FROZEN, DATA_LOCKED); a module refuses "
            "the save (side by side: MEASUREMENT_OUT_OF_ORDER)."
        },
    )
    @blp.response(200, SectionEntryReadSchema, headers=ETAG_HEADER)
    def put(self, data, subject_uuid, section_uuid, instance):
        """Save some of the instance's answers, as a section's save (If-Match, reasons)."""
        study = current_study()
        view = entry.save_section(
            study,
            get_subject(study, subject_uuid),
            section_uuid,
            data["answers"],
            read_if_match(),
            instance,
        )
        return view, 200, {"ETag": entry.etag(view["version"])}


@blp.route("/subjects/<uuid:subject_uuid>/progress")
class SubjectProgress(ApiView):
    permissions_registry = {"GET": permissions.DATA_VIEW}

    @blp.response(200, SubjectSectionsProgressReadSchema)
    def get(self, subject_uuid):
        """The subject's completion, in total and per section."""
        study = current_study()
        return progress.subject_progress(study, get_subject(study, subject_uuid))


@blp.route("/dashboard")
class Dashboard(ApiView):
    permissions_registry = {"GET": permissions.DATA_VIEW}

    @blp.response(200, DashboardReadSchema)
    def get(self):
        """Subjects per status; completion of the study, per section and per center."""
        return progress.dashboard(current_study())
