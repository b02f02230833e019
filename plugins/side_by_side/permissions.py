"""The side_by_side permission category: read the zones and designs, design them, see
subjects' allocations (zones and product codes; the product behind a code is the product
database's ``products.view_blinded``), and the unblinded results by product."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "side_by_side"
ACTIONS = (Action.ACCESS, "design", "view_allocation", "view_results")

#: Read the zone catalogue, the designs and the assessed sections.
ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Keep the zone catalogue, the designs and the assessed sections.
DESIGN = build_permission(CATEGORY, "design")
#: A subject's zones with their product codes, and the application instructions.
VIEW_ALLOCATION = build_permission(CATEGORY, "view_allocation")
#: Results by product: an unblinded statistician's (an export's product column needs the
#: product database's own right to see products).
VIEW_RESULTS = build_permission(CATEGORY, "view_results")

# Results by product reveal the treatment's effect per code: no default role has them.
DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS, DESIGN, VIEW_ALLOCATION],
    "investigator": [ACCESS, VIEW_ALLOCATION],
    "monitor": [ACCESS, VIEW_ALLOCATION],
    "data_manager": [ACCESS],
}
