"""The allocation plugin's permission categories: kits (kit types, kits, inventories and
the allocation configuration), dispensing, and supply. What reveals a subject's treatment
is blinded by the kinds it is already blinded by elsewhere: the arm by the randomizations
plugin's ``ARM`` (``randomizations.view_arms``), the product behind a kit type by the
product database's ``PRODUCT`` (``products.view_blinded``). Blinded roles see kit numbers."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

KITS = "kits"
DISPENSING = "dispensing"
SUPPLY = "supply"
KIT_ACTIONS = (Action.ACCESS, "manage", "go_live")
DISPENSING_ACTIONS = (Action.ACCESS, "dispense", "correct", "record_returns")
SUPPLY_ACTIONS = (Action.ACCESS, "manage", "ship", "receive")

KITS_ACCESS = build_permission(KITS, Action.ACCESS)
#: Kit types, kits and their imports, the allocation configuration.
MANAGE_KITS = build_permission(KITS, "manage")
#: Put the production inventory in use.
GO_LIVE = build_permission(KITS, "go_live")
DISPENSING_ACCESS = build_permission(DISPENSING, Action.ACCESS)
DISPENSE = build_permission(DISPENSING, "dispense")
#: Deallocate a kit, declare one invalid, give a replacement: each with a reason.
CORRECT = build_permission(DISPENSING, "correct")
RECORD_RETURNS = build_permission(DISPENSING, "record_returns")
SUPPLY_ACCESS = build_permission(SUPPLY, Action.ACCESS)
#: Depots, stock levels (minimum and target per kit type and center), shipment requests.
MANAGE_SUPPLY = build_permission(SUPPLY, "manage")
SHIP = build_permission(SUPPLY, "ship")
#: Count a shipment in at its center and report what differs.
RECEIVE = build_permission(SUPPLY, "receive")

# Everyone is blinded by default. Investigators dispense, return and receive shipments at
# their centers; study managers set kits and supply up. An unblinded pharmacist or supply
# manager is a custom role with randomizations.view_arms and products.view_blinded.
DEFAULT_ROLE_PERMISSIONS = {
    "study_manager": [
        KITS_ACCESS,
        MANAGE_KITS,
        GO_LIVE,
        DISPENSING_ACCESS,
        CORRECT,
        SUPPLY_ACCESS,
        MANAGE_SUPPLY,
        SHIP,
    ],
    "investigator": [
        KITS_ACCESS,
        DISPENSING_ACCESS,
        DISPENSE,
        RECORD_RETURNS,
        SUPPLY_ACCESS,
        RECEIVE,
    ],
    "monitor": [KITS_ACCESS, DISPENSING_ACCESS, SUPPLY_ACCESS],
    "data_manager": [KITS_ACCESS, DISPENSING_ACCESS],
    "viewer": [KITS_ACCESS],
}
