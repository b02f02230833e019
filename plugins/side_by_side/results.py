"""Zone assessments read back: each subject's values per zone with the zone and the
product there (results by product, the export's rows); results by product with the
within-subject (paired) differences between products and a paired t-test."""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import QuestionType, Study, StudyCenter, db, may_see, study_query
from plugins.ecrf.api import PLAIN, Answer, compiled_form
from plugins.product_database.api import PRODUCT, Product, StudyProduct
from plugins.randomizations.api import Environment
from plugins.side_by_side.models import Allocation, Assessment, SplitDesign, Zone
from plugins.subjects.api import SubjectInStudy

NUMBER_TYPES = frozenset(
    {QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.SCALE, QuestionType.CALCULATED}
)
CONTROL = "control"


@dataclass(frozen=True)
class ZoneValue:
    """One stored answer of a subject's zone, with what was applied there."""

    subject: str
    center: str
    section: Any
    zone: str
    zone_name: str
    code: str | None  # the product's blinding code, else its name; None: the control zone
    blinding: str | None  # the product's blinding code only (None in an open study)
    product: str | None  # the product's name
    question: str
    value: Any


def zone_values(
    study: Study, assessments: list[Assessment], subject_ids: Collection[int] | None = None
) -> Iterator[ZoneValue]:
    """The stored answers of the assessed sections, per subject the caller sees (of
    ``subject_ids`` if given) and zone of the production allocation they were recorded
    under (a voided assignment's too: its answers keep the products then applied), by
    subject, section and zone."""
    if not assessments:
        return
    form = compiled_form(study)
    section_of = {
        code: assessment.section_uuid
        for assessment in assessments
        for code in form.section_codes.get(assessment.section_uuid, [])
    }
    designs = {assessment.section_uuid: assessment.design_id for assessment in assessments}
    allocated_query = study_query(Allocation, study).where(
        Allocation.environment == Environment.PRODUCTION,
        Allocation.design_id.in_({a.design_id for a in assessments}),
    )
    if subject_ids is not None:
        allocated_query = allocated_query.where(Allocation.subject_in_study_id.in_(subject_ids))
    allocated = allocated_query.subquery()
    rows = db.session.execute(
        sa.select(
            SubjectInStudy.study_subject_id,
            StudyCenter.code,
            allocated.c.design_id,
            Zone.code,
            Zone.name,
            StudyProduct.blinding_code,
            StudyProduct.product_id,
            Answer.code,
            Answer.value,
        )
        .select_from(allocated)
        .join(SubjectInStudy, SubjectInStudy.id == allocated.c.subject_in_study_id)
        .join(StudyCenter, StudyCenter.id == SubjectInStudy.center_id)
        .join(Zone, Zone.id == allocated.c.zone_id)
        .outerjoin(StudyProduct, StudyProduct.id == allocated.c.study_product_id)
        .join(
            Answer,
            sa.and_(
                Answer.subject_in_study_id == allocated.c.subject_in_study_id,
                Answer.instance == Zone.code,
                Answer.instance != PLAIN,
                Answer.code.in_(list(section_of)),
            ),
        )
        .order_by(SubjectInStudy.study_subject_id, Zone.code, Answer.code)
    ).all()
    names = _product_names({row.product_id for row in rows if row.product_id is not None})
    for subject, center, design_id, zone, zone_name, blinding, product_id, code, value in rows:
        section = section_of[code]
        if designs[section] != design_id:
            continue
        name = names.get(product_id) if product_id is not None else None
        yield ZoneValue(
            subject=subject,
            center=center,
            section=section,
            zone=zone,
            zone_name=zone_name,
            code=(blinding or name) if product_id is not None else None,
            blinding=blinding if product_id is not None else None,
            product=name,
            question=code,
            value=value,
        )


def _product_names(product_ids: set[int]) -> dict[int, str]:
    if not product_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Product.id, Product.name).where(Product.id.in_(product_ids))
        ).all()
    )


def _summary(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "mean": statistics.fmean(values) if values else None,
        "sd": statistics.stdev(values) if len(values) > 1 else None,
    }


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _paired(first: dict[str, float], second: dict[str, float]) -> dict[str, Any]:
    """first - second over the subjects with both: n, mean, SD, paired t-test."""
    subjects = sorted(first.keys() & second.keys())
    differences = [first[s] - second[s] for s in subjects]
    summary = _summary(differences)
    t = p = None
    if len(subjects) > 1 and summary["sd"]:
        # scipy.stats takes most of a second to import: only a paired comparison needs it.
        from scipy import stats

        test = stats.ttest_rel([first[s] for s in subjects], [second[s] for s in subjects])
        t, p = _finite(test.statistic), _finite(test.pvalue)
    return {**summary, "t": t, "p": p}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def results(study: Study, design: SplitDesign) -> list[dict[str, Any]]:
    """For each assessed section (time point) and number question of the design: each
    product's values (n, mean, SD) and the paired differences between products (and with
    the control zone) within subjects."""
    assessments = list(
        db.session.execute(
            sa.select(Assessment).where(Assessment.design_id == design.id).order_by(Assessment.id)
        ).scalars()
    )
    form = compiled_form(study)
    numbers = {code for code, question in form.by_code.items() if question.type in NUMBER_TYPES}
    labels = [
        product.study_product.blinding_code or product.study_product.product.name
        for product in design.products
    ]
    names = {
        label: product.study_product.product.name
        for label, product in zip(labels, design.products, strict=True)
    }
    if design.control_zone_id is not None:
        labels.append(CONTROL)
    # (section, question) -> label -> subject -> value
    table: dict[tuple[Any, str], dict[str, dict[str, float]]] = {}
    for row in zone_values(study, assessments):
        number = _number(row.value) if row.question in numbers else None
        if number is None:
            continue
        label = row.code if row.code is not None else CONTROL
        table.setdefault((row.section, row.question), {}).setdefault(label, {})[row.subject] = (
            number
        )
    reveal = may_see(PRODUCT)
    answer = []
    for assessment in assessments:
        for code in form.section_codes.get(assessment.section_uuid, []):
            if code not in numbers:
                continue
            by_label = table.get((assessment.section_uuid, code), {})
            answer.append(
                {
                    "section": assessment.section_uuid,
                    "question": code,
                    "products": [
                        {
                            "code": label,
                            "product": names.get(label) if reveal else None,
                            **_summary(list(by_label.get(label, {}).values())),
                        }
                        for label in labels
                    ],
                    "differences": [
                        {
                            "first": first,
                            "second": second,
                            **_paired(by_label.get(first, {}), by_label.get(second, {})),
                        }
                        for first, second in itertools.combinations(labels, 2)
                    ],
                }
            )
    return answer


#: The columns of the export of zone assessments (``product``: unblinded exports only).
EXPORT_COLUMNS = ("subject", "center", "section", "zone", "zone_name", "code", "question", "value")


def export_rows(
    study: Study, *, unblinded: bool, subject_ids: Collection[int] | None = None
) -> tuple[list[str], Iterator[list[Any]]]:
    """The zone assessments of the study (of ``subject_ids`` if given: an export's chunk)
    as an export's table: its columns and rows, the product's name as a column only where
    ``unblinded`` (the caller checked the right)."""
    assessments = list(
        db.session.execute(sa.select(Assessment).where(Assessment.study_id == study.id)).scalars()
    )
    columns = [*EXPORT_COLUMNS, "product"] if unblinded else list(EXPORT_COLUMNS)

    def rows() -> Iterator[list[Any]]:
        for row in zone_values(study, assessments, subject_ids):
            cells = [
                row.subject,
                row.center,
                str(row.section),
                row.zone,
                row.zone_name,
                _export_code(row),
                row.question,
                row.value,
            ]
            yield [*cells, row.product] if unblinded else cells

    return columns, rows()


def _export_code(row: ZoneValue) -> str:
    """The zone's code column: the blinding code, never the name (a column of its own, for
    the unblinded only), empty for a product the study does not code."""
    if row.code is None:
        return CONTROL
    return row.blinding or ""
