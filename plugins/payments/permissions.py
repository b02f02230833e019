"""The payments permission category. Bank details are personal data: only
``view_payees`` reads them (every read audited), and they never reach an export."""

from __future__ import annotations

from datacapt.toolkit import Action, SensitiveFields, build_permission

CATEGORY = "payments"
ACTIONS = (
    Action.ACCESS,
    "manage_plans",
    "view_payees",
    "manage_payees",
    "confirm_visits",
    "validate",
    "export",
    "mark_paid",
)

ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Payment plans and their versions; a change of an order's amount before validation.
MANAGE_PLANS = build_permission(CATEGORY, "manage_plans")
VIEW_PAYEES = build_permission(CATEGORY, "view_payees")
MANAGE_PAYEES = build_permission(CATEGORY, "manage_payees")
#: Confirm a subject's visit as done, where the study pays only confirmed visits.
CONFIRM_VISITS = build_permission(CATEGORY, "confirm_visits")
#: Finance: validate or reject orders.
VALIDATE = build_permission(CATEGORY, "validate")
#: Finance: group validated orders in batches and export their files.
EXPORT = build_permission(CATEGORY, "export")
#: Finance: import the bank's reports, mark orders paid or returned.
MARK_PAID = build_permission(CATEGORY, "mark_paid")

#: A payee's bank details and postal address, in audit reads.
BANK_DETAILS = SensitiveFields("bank_details", VIEW_PAYEES)

# Finance is a custom role (validate, export, mark_paid, view_payees): no default role
# both sets amounts and validates them.
DEFAULT_ROLE_PERMISSIONS = {
    "study_manager": [ACCESS, MANAGE_PLANS],
    "investigator": [ACCESS, VIEW_PAYEES, MANAGE_PAYEES],
    "monitor": [ACCESS, CONFIRM_VISITS],
    "data_manager": [ACCESS],
    "viewer": [ACCESS],
}
