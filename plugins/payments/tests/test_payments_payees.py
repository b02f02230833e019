"""Payees: a subject's bank details and structured address, personal data behind their
own permissions (view_payees to read, manage_payees to write), every read audited, IBAN
and BIC checked with the field at fault named, never shown in the audit trail or its
export to a caller without view_payees; other centers and tenants see nothing."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from datacapt.toolkit import AuditRecord, db, tenant_context
from plugins.payments.tests.support import Trial

IBAN = "FR76 3000 6000 0112 3456 7890 189"
DETAILS = {
    "holder_name": "Ada Martin",
    "iban": IBAN,
    "bic": "agrifrpp",
    "street_name": "Rue de la Paix",
    "building_number": "12",
    "postal_code": "75002",
    "town_name": "Paris",
    "country": "FR",
}


def _url(subject: str) -> str:
    return f"/api/payments/subjects/{subject}/payee"


def _refused(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 422, answer.json
    return answer.json["error"]


def test_bank_details_are_read_and_written_with_their_permissions_every_read_audited(
    trial: Trial,
):
    subject = trial.subject()
    url = _url(subject)
    assert trial.finance.get(url, headers=trial.headers).status_code == 404
    for client in (trial.monitor, trial.manager, trial.finance):
        assert client.put(url, json=DETAILS, headers=trial.headers).status_code == 403
    saved: Any = trial.investigator.put(url, json=DETAILS, headers=trial.headers)
    assert saved.status_code == 200, saved.json
    assert (saved.json["iban"], saved.json["bic"]) == ("FR7630006000011234567890189", "AGRIFRPP")
    for client in (trial.monitor, trial.manager):
        assert client.get(url, headers=trial.headers).status_code == 403
    read: Any = trial.finance.get(
        url, headers={**trial.headers, "Reason-For-Change": "Payment run"}
    )
    assert read.status_code == 200 and read.json["holder_name"] == "Ada Martin"
    moved: Any = trial.investigator.put(
        url, json={**DETAILS, "town_name": "Lyon", "bic": None}, headers=trial.headers
    )
    assert moved.json["town_name"] == "Lyon" and moved.json["bic"] is None
    with trial.app.app_context(), tenant_context(trial.tenant):
        trail = db.session.execute(
            sa.select(AuditRecord.action, AuditRecord.actor_id, AuditRecord.reason)
            .where(AuditRecord.object_type == "payment_payees")
            .order_by(AuditRecord.sequence)
        ).all()
    assert [action for action, _, _ in trail] == ["create", "read", "update"]
    assert trail[1].actor_id == str(trial.finance.user.uuid)
    assert trail[1].reason == "Payment run"


def test_iban_bic_and_address_are_checked_each_under_its_field(trial: Trial):
    subject = trial.subject()
    url = _url(subject)
    checksum = _refused(
        trial.investigator.put(
            url,
            json={**DETAILS, "iban": "FR76 3000 6000 0112 3456 7890 188"},
            headers=trial.headers,
        )
    )
    assert checksum["internal_name"] == "BANK_DETAILS_INVALID" and set(checksum["fields"]) == {
        "iban"
    }
    many = _refused(
        trial.investigator.put(
            url,
            json={**DETAILS, "iban": "XX00", "bic": "AGRI", "country": "XK1"},
            headers=trial.headers,
        )
    )
    assert set(many["fields"]) == {"country"}  # the form's own checks come first
    both = _refused(
        trial.investigator.put(
            url,
            json={**DETAILS, "iban": "XX00", "bic": "AGRIZZPP", "country": "ZZ"},
            headers=trial.headers,
        )
    )
    assert both["internal_name"] == "BANK_DETAILS_INVALID"
    assert set(both["fields"]) == {"iban", "bic", "country"}
    unstructured = _refused(
        trial.investigator.put(
            url, json={key: DETAILS[key] for key in ("holder_name", "iban")}, headers=trial.headers
        )
    )
    assert set(unstructured["fields"]) == {"town_name", "country"}
    assert trial.finance.get(url, headers=trial.headers).status_code == 404  # nothing written


@pytest.mark.requirement("GDPR-25")
def test_bank_details_never_reach_the_audit_trail_or_its_export_without_view_payees(
    trial: Trial, join_study, tenant
):
    subject = trial.subject()
    assert (
        trial.investigator.put(_url(subject), json=DETAILS, headers=trial.headers).status_code
        == 200
    )

    def changes(client) -> dict[str, Any]:
        listed: Any = client.get(
            "/api/audit-trails/", query_string={"object_type": "payment_payees"}
        )
        assert listed.status_code == 200, listed.json
        (record,) = listed.json["records"]
        return record["changes"]

    assert changes(trial.finance)["iban"][1] == "FR7630006000011234567890189"
    hidden = changes(trial.monitor)
    assert {hidden[name][1] for name in DETAILS} == {"[redacted]"}
    data_manager = join_study(trial.headers, tenant, "data_manager")
    export = data_manager.get(
        "/api/audit-trails/export", query_string={"object_type": "payment_payees"}
    )
    assert export.status_code == 200
    text = export.get_data(as_text=True)
    assert "payment_payees" in text and "[redacted]" in text
    for value in ("FR7630006000011234567890189", "AGRIFRPP", "Ada Martin", "Rue de la Paix"):
        assert value not in text


def test_another_center_and_another_tenant_see_no_payee(trial: Trial, client_as, other_tenant):
    subject = trial.subject()
    assert (
        trial.investigator.put(_url(subject), json=DETAILS, headers=trial.headers).status_code
        == 200
    )
    for client in (trial.lyon_investigator, client_as(other_tenant)):
        assert client.get(_url(subject), headers=trial.headers).status_code == 404
        assert client.put(_url(subject), json=DETAILS, headers=trial.headers).status_code == 404
