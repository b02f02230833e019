"""The dashboards of the study named by the Study-Uuid header, at the centers the caller
sees: each as figures (JSON) and as an SVG chart of the same figures."""

from __future__ import annotations

from flask import Response

from datacapt.toolkit import ApiView, Blueprint, current_study
from plugins.analytics import permissions
from plugins.analytics.dashboards import charts, enrollment, epro, queries, verification, visits
from plugins.analytics.dashboards.schemas import (
    EnrollmentSchema,
    EnrollmentSearchSchema,
    EproComplianceSchema,
    QueryAgeingSchema,
    VerificationProgressSchema,
    VisitCompletionSchema,
)

SVG = {"type": "string", "format": "binary"}
MODULE = {404: "The tenant does not use the module the dashboard reads (MODULE_NOT_USED)."}

blp = Blueprint(
    "analytics_dashboards",
    __name__,
    url_prefix="/api/analytics",
    description="Analytics: the study's dashboards, as figures and as SVG charts",
)


def _svg(content: bytes) -> Response:
    return Response(content, mimetype="image/svg+xml")


class Dashboard(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}


@blp.route("/enrollment")
class Enrollment(Dashboard):
    @blp.arguments(EnrollmentSearchSchema, location="query")
    @blp.response(200, EnrollmentSchema)
    def get(self, search):
        """Subjects included per period and center, cumulated, against the targets
        (PERIOD_INVALID: `from` after `to`; PERIOD_TOO_LONG: over 520 periods)."""
        return enrollment.enrollment(
            current_study(), search["interval"], search.get("start"), search.get("end")
        )


@blp.route("/enrollment.svg")
class EnrollmentChart(Dashboard):
    @blp.arguments(EnrollmentSearchSchema, location="query")
    @blp.response(200, SVG, content_type="image/svg+xml", description="A line chart")
    def get(self, search):
        """The cumulative enrollment per center and for the study, with its target."""
        figures = enrollment.enrollment(
            current_study(), search["interval"], search.get("start"), search.get("end")
        )
        return _svg(charts.enrollment_chart(figures))


@blp.route("/visits")
class Visits(Dashboard):
    @blp.response(200, VisitCompletionSchema)
    def get(self):
        """Per section and center: subjects expected, started and complete."""
        return visits.visit_completion(current_study())


@blp.route("/visits.svg")
class VisitsChart(Dashboard):
    @blp.response(200, SVG, content_type="image/svg+xml", description="A bar chart")
    def get(self):
        return _svg(charts.visits_chart(visits.visit_completion(current_study())))


@blp.route("/queries")
class Queries(Dashboard):
    @blp.response(200, QueryAgeingSchema)
    def get(self):
        """The queries waiting at the site by age (days), per center and status."""
        return queries.query_ageing(current_study())


@blp.route("/queries.svg")
class QueriesChart(Dashboard):
    @blp.response(200, SVG, content_type="image/svg+xml", description="A stacked bar chart")
    def get(self):
        return _svg(charts.queries_chart(queries.query_ageing(current_study())))


@blp.route("/verification")
class Verification(Dashboard):
    @blp.errors(MODULE)
    @blp.response(200, VerificationProgressSchema)
    def get(self):
        """Source data verification per center, as the monitoring module counts it."""
        return verification.verification_progress(current_study())


@blp.route("/verification.svg")
class VerificationChart(Dashboard):
    @blp.errors(MODULE)
    @blp.response(200, SVG, content_type="image/svg+xml", description="A bar chart")
    def get(self):
        figures = verification.verification_progress(current_study())
        return _svg(charts.verification_chart(figures))


@blp.route("/epro")
class Epro(Dashboard):
    @blp.errors(MODULE)
    @blp.response(200, EproComplianceSchema)
    def get(self):
        """Per questionnaire and center: occurrences done, late, missed and open."""
        return epro.epro_compliance(current_study())


@blp.route("/epro.svg")
class EproChart(Dashboard):
    @blp.errors(MODULE)
    @blp.response(200, SVG, content_type="image/svg+xml", description="A stacked bar chart")
    def get(self):
        return _svg(charts.epro_chart(epro.epro_compliance(current_study())))
