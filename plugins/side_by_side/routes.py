"""Side by side in the study of the Study-Uuid header: the zone catalogue, designs and
the sections assessed per zone; a subject's allocation and application instructions;
results by product."""

from __future__ import annotations

from typing import Any

from flask import Response

from datacapt.toolkit import REASON_FOR_CHANGE, ApiView, Blueprint, current_study, paginate
from plugins.side_by_side import allocation, instructions, permissions, results, services
from plugins.side_by_side.schemas import (
    AllocationQuerySchema,
    BodyZoneReadSchema,
    BodyZoneWriteSchema,
    InstructionsQuerySchema,
    ProductResultSchema,
    SplitDesignReadSchema,
    SplitDesignWriteSchema,
    ZoneAllocationReadSchema,
    ZoneAssessmentReadSchema,
    ZoneAssessmentWriteSchema,
)
from plugins.subjects.api import get_subject

INVALID = {422: "The input does not fit the catalogue or the design (SIDE_BY_SIDE_INVALID)."}

blp = Blueprint(
    "side_by_side",
    __name__,
    url_prefix="/api/side-by-side",
    description="Side by side: zones, designs of products on zones, zone assessments",
)


@blp.route("/zones/")
class Zones(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.DESIGN}

    @blp.response(200, BodyZoneReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's zone catalogue, by set and code."""
        return paginate(services.list_zones(current_study()), pagination_parameters)

    @blp.arguments(BodyZoneWriteSchema)
    @blp.errors({409: "Another zone has this code (ZONE_CODE_TAKEN)."})
    @blp.response(201, BodyZoneReadSchema)
    def post(self, data):
        """A zone of the catalogue, in a set of zones."""
        return services.add_zone(current_study(), data)


@blp.route("/zones/<uuid:zone_uuid>")
class ZoneDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, BodyZoneReadSchema)
    def get(self, zone_uuid):
        return services.get_zone(current_study(), zone_uuid)


@blp.route("/designs/")
class Designs(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.DESIGN}

    @blp.response(200, SplitDesignReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        return paginate(services.list_designs(current_study()), pagination_parameters)

    @blp.arguments(SplitDesignWriteSchema)
    @blp.errors(
        INVALID,
        {409: "Another design has this code (DESIGN_CODE_TAKEN, or the randomization's)."},
    )
    @blp.response(201, SplitDesignReadSchema)
    def post(self, data):
        """A design of products on a set of zones, with its randomization design (a draft
        in the randomization module, drawing the sequences of products over the zones)."""
        return services.create_design(current_study(), data)


@blp.route("/designs/<uuid:design_uuid>")
class DesignDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, SplitDesignReadSchema)
    def get(self, design_uuid):
        return services.get_design(current_study(), design_uuid)


@blp.route("/designs/<uuid:design_uuid>/results")
class DesignResults(ApiView):
    permissions_registry = {"GET": permissions.VIEW_RESULTS}

    @blp.response(200, ProductResultSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters, design_uuid):
        """Per assessed section and number question: each product's n, mean and SD, and the
        paired differences between products within subjects, with a paired t-test
        (production subjects at the centers the caller sees)."""
        study = current_study()
        found = results.results(study, services.get_design(study, design_uuid))
        return paginate(found, pagination_parameters)


@blp.route("/assessments/")
class Assessments(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.DESIGN}

    @blp.response(200, ZoneAssessmentReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        return paginate(services.list_assessments(current_study()), pagination_parameters)

    @blp.arguments(ZoneAssessmentWriteSchema)
    @blp.errors(
        INVALID,
        {409: "The section is assessed per zone already (SECTION_ASSESSED_ALREADY)."},
        {409: "Answers were entered in the section already (ECRF_CHANGE_REFUSED)."},
        {404: "No such design or section (OBJECT_NOT_FOUND)."},
    )
    @blp.response(201, ZoneAssessmentReadSchema)
    def post(self, data):
        """An eCRF section filled once per zone of the design's subjects (data entry at
        /api/ecrf/subjects/<uuid>/sections/<uuid>/instances/<zone code>), with the order
        of its measurements, enforced or not."""
        return services.add_assessment(current_study(), data)


def _allocation_view(rows: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "design_code": row.design.code,
            "environment": row.environment,
            "zone": row.zone,
            "code": row.study_product.blinding_code if row.study_product else None,
            "product": row.study_product.product.name if row.study_product else None,
        }
        for row in rows
    ]


@blp.route("/subjects/<uuid:subject_uuid>/allocation")
class SubjectAllocation(ApiView):
    permissions_registry = {"GET": permissions.VIEW_ALLOCATION}

    @blp.arguments(AllocationQuerySchema, location="query")
    @blp.response(200, ZoneAllocationReadSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters, subject_uuid):
        """What goes on each of the subject's zones: the product's code (the product itself
        only to those who see blinded products); the control zone has none."""
        study = current_study()
        participation = get_subject(study, subject_uuid)
        rows = allocation.allocations(participation, query["environment"])
        return paginate(_allocation_view(rows), pagination_parameters)


@blp.route("/subjects/<uuid:subject_uuid>/instructions")
class SubjectInstructions(ApiView):
    permissions_registry = {"GET": permissions.VIEW_ALLOCATION}

    @blp.arguments(InstructionsQuerySchema, location="query")
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="application/pdf",
        description="The printable sheet: zones and product codes, never the products",
    )
    def get(self, query, subject_uuid):
        """The subject's application instructions, in the site's language (or the one
        asked); audited."""
        study = current_study()
        participation = get_subject(study, subject_uuid)
        content = instructions.instructions(study, participation, query["language"])
        return Response(
            content,
            mimetype="application/pdf",
            headers={
                "Content-Disposition": "attachment; "
                f'filename="instructions-{participation.study_subject_id}.pdf"'
            },
        )
