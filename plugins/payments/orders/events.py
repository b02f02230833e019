"""Orders made by what happened, in the transaction of the change that made it happen:
a visit done, a visit undone, a participation completed, withdrawn or reopened.

Once per participation, plan and occurrence (``visit:<section>``, ``travel:<section>``,
``completion``, ``pro_rata``): a save that changes nothing done places nothing, and the
unique index ``payment_orders_once`` refuses a second standing order whatever races.
What is undone: a pending or validated order (no money has left: a validated one waits
for a batch, or sits in an open one, which it leaves) is rejected by the platform, and
stands again, the same order pending finance anew, if the thing is done again; an exported
or paid one is balanced by a reversal line of the opposite amount, pending for finance (and
a new order pays the thing if it is done again); a returned one (nothing was paid) is only
marked undone."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from datacapt.toolkit import Study, db, reason_for_change, utcnow
from plugins.ecrf.api import compiled_form
from plugins.payments.money import rounded
from plugins.payments.orders.models import STANDING, OrderKind, OrderStatus, PaymentOrder
from plugins.payments.orders.services import new_order
from plugins.payments.plans.models import PlanKind, PlanVersion
from plugins.payments.plans.terms import completion_amount, planned_visits, visit_terms
from plugins.subjects.api import SubjectInStudy, SubjectStatus

UNDONE = "What it pays for was undone"
DONE_AGAIN = "What it pays for is done again"
#: Orders of a visit: what undoing the visit undoes.
_VISIT_PREFIXES = ("visit:", "travel:")
_PAID_FOR = frozenset({OrderStatus.EXPORTED, OrderStatus.PAID})


def _standing(participation: SubjectInStudy) -> dict[tuple[int, str], PaymentOrder]:
    """The participation's standing orders by plan and occurrence, locked: they change
    only under this lock (the subject's, which the change holds, and theirs)."""
    orders = db.session.execute(
        sa.select(PaymentOrder)
        .where(PaymentOrder.subject_in_study_id == participation.id, STANDING)
        .order_by(PaymentOrder.id)
        .with_for_update()
    ).scalars()
    return {(order.plan_id, order.occurrence): order for order in orders}


def _pay(
    standing: dict[tuple[int, str], PaymentOrder],
    participation: SubjectInStudy,
    version: PlanVersion,
    kind: OrderKind,
    occurrence: str,
    amount: Decimal,
    section_id: int | None = None,
) -> None:
    """The order of ``occurrence`` under ``version`` unless one stands (a new one is
    flushed by the caller, with the others of the change): an order the platform
    rejected when it was undone stands again, for what it is worth now (a pro rata share
    after more visits, a newer version's amount)."""
    order = standing.get((version.plan_id, occurrence))
    if order is None:
        if amount > 0:
            standing[(version.plan_id, occurrence)] = new_order(
                participation, version, kind, occurrence, amount, section_id
            )
        return
    if order.status == OrderStatus.REJECTED and order.undone_at is not None and amount > 0:
        with reason_for_change(DONE_AGAIN):
            order.transition_to(OrderStatus.PENDING)
            order.undone_at = None
            order.rejection_reason = None
            order.plan_version_id = version.id
            order.planned_amount = order.amount = amount
            db.session.flush()


def _undo(order: PaymentOrder) -> None:
    if order.undone_at is not None or order.status == OrderStatus.REJECTED:
        return  # undone already, or finance refused it: nothing is owed
    with reason_for_change(UNDONE):
        order.undone_at = utcnow()
        if order.status == OrderStatus.VALIDATED:
            order.transition_to(OrderStatus.PENDING)
            order.batch_id = None
            db.session.flush()  # each step checked and audited on its own
        if order.status == OrderStatus.PENDING:
            order.transition_to(OrderStatus.REJECTED)
            order.rejection_reason = UNDONE
        elif order.status in _PAID_FOR:
            db.session.add(
                PaymentOrder(
                    study_id=order.study_id,
                    subject_in_study_id=order.subject_in_study_id,
                    participation=order.participation,
                    plan_version_id=order.plan_version_id,
                    plan_id=order.plan_id,
                    kind=OrderKind.REVERSAL,
                    occurrence=order.occurrence,
                    section_id=order.section_id,
                    reverses_id=order.id,
                    currency=order.currency,
                    planned_amount=-order.amount,
                    amount=-order.amount,
                    status=OrderStatus.PENDING,
                )
            )
        db.session.flush()


def settle_visits(
    study: Study,
    participation: SubjectInStudy,
    done: set[str],
    completed: set[str],
    versions: list[PlanVersion],
) -> None:
    """Undo the visit orders of the visits not in ``done`` (section uuids as text), and
    pay those just ``completed`` under the plans' current ``versions``: a version pays
    what happens after its approval, not a visit done before it and corrected since."""
    standing = _standing(participation)
    for (_plan, occurrence), order in list(standing.items()):
        kind, _, section = occurrence.partition(":")
        if f"{kind}:" in _VISIT_PREFIXES and section not in done:
            _undo(order)
    versions = [version for version in versions if version.kind == PlanKind.PER_VISIT]
    # Sections of the study's eCRF only (a version may name one removed since).
    sections = {str(uuid): id_ for uuid, id_ in compiled_form(study).section_ids.items()}
    for version in versions:
        for section, terms in visit_terms(version).items():
            if section not in completed or section not in done or section not in sections:
                continue
            _pay(
                standing,
                participation,
                version,
                OrderKind.VISIT,
                f"visit:{section}",
                terms.amount,
                sections[section],
            )
            if terms.travel is not None:
                _pay(
                    standing,
                    participation,
                    version,
                    OrderKind.TRAVEL,
                    f"travel:{section}",
                    terms.travel,
                    sections[section],
                )
    db.session.flush()


def settle_participation(
    participation: SubjectInStudy, done: set[str], versions: list[PlanVersion]
) -> None:
    """Under the plans' current ``versions``: a completed participation earns each plan's
    completion amount (a per-visit plan's bonus); a withdrawn one a per-study plan's pro
    rata share, by the planned visits done (``done``); a reopened one loses its pro rata
    share (its orders undone)."""
    standing = _standing(participation)
    if participation.status == SubjectStatus.COMPLETED:
        for version in versions:
            amount = completion_amount(version)
            if amount is not None:
                _pay(standing, participation, version, OrderKind.COMPLETION, "completion", amount)
    elif participation.status == SubjectStatus.WITHDRAWN:
        for version in versions:
            planned = planned_visits(version)
            if planned:
                share = Decimal(version.terms["amount"]) * len(done & set(planned)) / len(planned)
                _pay(
                    standing,
                    participation,
                    version,
                    OrderKind.PRO_RATA,
                    "pro_rata",
                    rounded(share, version.currency),
                )
    elif participation.status in (SubjectStatus.INCLUDED, SubjectStatus.SCREENING):
        for (_plan, occurrence), order in standing.items():
            if occurrence == "pro_rata":
                _undo(order)
    db.session.flush()
