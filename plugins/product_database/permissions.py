"""The product database's permission categories: the catalogue (products and their
formulas) and the batches made of them. Blinded roles of a study see its products' codes
only: ``products.view_blinded`` shows the product behind a code."""

from __future__ import annotations

from datacapt.toolkit import Action, Blinding, build_permission

PRODUCTS = "products"
BATCHES = "batches"
PRODUCT_ACTIONS = (Action.ACCESS, "manage", "approve_formulas", "view_blinded")
BATCH_ACTIONS = (Action.ACCESS, "manage", "release")

ACCESS = build_permission(PRODUCTS, Action.ACCESS)
#: Add and change products, their documents and draft formula versions; declare a
#: study's products (writing their blinding codes needs view_blinded too).
MANAGE = build_permission(PRODUCTS, "manage")
APPROVE_FORMULAS = build_permission(PRODUCTS, "approve_formulas")
VIEW_BLINDED = build_permission(PRODUCTS, "view_blinded")
BATCHES_ACCESS = build_permission(BATCHES, Action.ACCESS)
MANAGE_BATCHES = build_permission(BATCHES, "manage")
#: Move a batch out of quarantine, recall it.
RELEASE_BATCHES = build_permission(BATCHES, "release")

#: The product behind a study's blinding code (its name, kind, formula and batches).
PRODUCT = Blinding("blinded_product", VIEW_BLINDED)

# The catalogue is kept by study managers; everyone else in a study sees its products by
# their codes. A batch's number names its product (and a kit shows its batch), so batches
# are read only by those who keep them. A pharmacist or a quality person is a custom role
# (view_blinded, release).
DEFAULT_ROLE_PERMISSIONS = {
    "study_manager": [ACCESS, MANAGE, BATCHES_ACCESS, MANAGE_BATCHES],
    "investigator": [ACCESS],
    "monitor": [ACCESS],
    "data_manager": [ACCESS],
    "viewer": [ACCESS],
}
