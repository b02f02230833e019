"""Where finance works: across studies, in each study where the caller holds the
permission (a finance role is given per study, as every role is), at the centers the
caller sees there. Orders elsewhere do not exist for the caller (404)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from datacapt.toolkit import (
    AUTHENTICATED,
    ApiView,
    Message,
    db,
    forbidden,
    not_found,
    studies_granting,
)
from plugins.payments.orders.models import PaymentOrder
from plugins.subjects.api import SubjectInStudy

NO_SUCH_ORDER = Message("No such payment order.")


class FinanceView(ApiView):
    """A tenant-wide finance endpoint: each method takes its ``finance_scope``, which
    checks its permissions per study."""

    REQUIRES_STUDY = False
    permissions_registry = {"default": AUTHENTICATED}


@dataclass(frozen=True)
class FinanceScope:
    studies: dict[int, set[int] | None]  # study id -> centers seen (None: all)

    def orders(self) -> sa.Select[PaymentOrder]:
        """The orders in scope, their participation joined (for its center)."""
        clauses: list[sa.ColumnElement[bool]] = []
        whole = [study for study, centers in self.studies.items() if centers is None]
        if whole:
            clauses.append(PaymentOrder.study_id.in_(whole))
        clauses.extend(
            sa.and_(PaymentOrder.study_id == study, SubjectInStudy.center_id.in_(centers))
            for study, centers in self.studies.items()
            if centers is not None
        )
        return (
            sa.select(PaymentOrder)
            .join(SubjectInStudy, SubjectInStudy.id == PaymentOrder.subject_in_study_id)
            .where(sa.or_(sa.false(), *clauses))
        )


def _common(
    first: dict[int, set[int] | None], second: dict[int, set[int] | None]
) -> dict[int, set[int] | None]:
    """The studies of both, each at the centers both see."""
    common: dict[int, set[int] | None] = {}
    for study in first.keys() & second.keys():
        one, other = first[study], second[study]
        common[study] = one if other is None else other if one is None else one & other
    return common


def finance_scope(*permissions: str) -> FinanceScope:
    """Where the caller holds all of ``permissions``; 403 (naming the first missing
    everywhere) when no study grants them all."""
    studies: dict[int, set[int] | None] | None = None
    for permission in permissions:
        granted = studies_granting(permission)
        if not granted:
            raise forbidden(permission=permission)
        studies = granted if studies is None else _common(studies, granted)
    if not studies:
        raise forbidden(permission=permissions[-1])
    return FinanceScope(studies)


def outside(scope: FinanceScope) -> sa.Select[int]:
    """The ids of orders out of the scope: a batch holding one is not the caller's."""
    inside = scope.orders().with_only_columns(PaymentOrder.id)
    return sa.select(PaymentOrder.id).where(PaymentOrder.id.not_in(inside))


def order_in_scope(scope: FinanceScope, order_uuid: object, lock: bool = False) -> PaymentOrder:
    """The order, if in the scope (locked for update when ``lock``); 404 otherwise."""
    statement = scope.orders().where(PaymentOrder.uuid == order_uuid)
    if lock:
        statement = statement.with_for_update(of=PaymentOrder)
    order = db.session.execute(statement).scalar_one_or_none()
    if order is None:
        raise not_found(NO_SUCH_ORDER)
    return order
