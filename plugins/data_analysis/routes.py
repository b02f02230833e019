"""Descriptive statistics and cross-tabulations of the study named by the Study-Uuid
header, of the subjects at the centers the caller sees."""

from __future__ import annotations

from datacapt.toolkit import ApiView, Blueprint, current_study
from plugins.data_analysis import permissions, services
from plugins.data_analysis.schemas import (
    AnalysisStatisticsQuerySchema,
    AnalysisStatisticsSchema,
    CrossTabulationQuerySchema,
    CrossTabulationSchema,
)

blp = Blueprint(
    "data_analysis",
    __name__,
    url_prefix="/api/data-analysis",
    description="Data analysis: descriptive statistics per question, cross-tabulations",
)

UNKNOWN = {422: "No such question in the eCRF; fields names it (QUESTION_UNKNOWN)."}


@blp.route("/statistics")
class Statistics(ApiView):
    permissions_registry = {"default": permissions.ACCESS}

    @blp.arguments(AnalysisStatisticsQuerySchema, location="query")
    @blp.errors(
        UNKNOWN,
        {422: "The question is neither a number nor a choice (QUESTION_NOT_ANALYSABLE)."},
        {403: "by=arm for a caller who may not see the arm (ARM_NOT_SHOWN)."},
    )
    @blp.response(200, AnalysisStatisticsSchema)
    def get(self, query):
        """Statistics of each number question (n, missing, mean, sample standard
        deviation, median, quartiles, minimum, maximum) and choice question (counts and
        percentages with labels), by section (visit), overall and, with `by`, per center
        or per arm."""
        return services.describe(
            current_study(), query.get("section"), query.get("question"), query.get("by")
        )


@blp.route("/cross-tabulation")
class CrossTabulation(ApiView):
    permissions_registry = {"default": permissions.ACCESS}

    @blp.arguments(CrossTabulationQuerySchema, location="query")
    @blp.errors(
        UNKNOWN,
        {422: "A question is not single choice nor yes/no (QUESTION_NOT_ANALYSABLE)."},
    )
    @blp.response(200, CrossTabulationSchema)
    def get(self, query):
        """The subjects who answered both questions, counted by pair of choices, with row,
        column and total percentages."""
        return services.cross_tabulate(current_study(), query["row"], query["column"])
