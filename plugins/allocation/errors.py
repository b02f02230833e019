"""The allocation plugin's error codes, in its manifest's range 7170-7219."""

from __future__ import annotations

import enum


class AllocationCodes(enum.IntEnum):
    """Append only: a number never changes. 7170-7199 kits, configuration and dispensing,
    7200-7219 supply."""

    KIT_IMPORT_INVALID = 7170
    NO_RANDOMIZATION_DESIGN = 7171
    ALLOCATION_RULE_INVALID = 7172
    GO_LIVE_REFUSED = 7173
    PRODUCTION_NOT_LIVE = 7174
    SUBJECT_NOT_RANDOMIZED = 7175
    NO_ALLOCATION_RULE = 7176
    NO_KITS_AVAILABLE = 7177
    VISIT_FULLY_DISPENSED = 7178
    DISPENSING_NOT_CURRENT = 7179
    RETURN_INVALID = 7180
    KIT_NOT_IN_STOCK = 7181
    TRACEABILITY_BLINDED = 7182
    KIT_TYPE_INVALID = 7183
    # Supply of the centers (7200-7219).
    SUPPLY_KIT_TYPE_UNKNOWN = 7200
    SUPPLY_DEPOT_UNKNOWN = 7201
    SHIPMENT_ALREADY_REQUESTED = 7202
    DEPOT_STOCK_SHORT = 7203
    RECEIPT_INCOMPLETE = 7204
    RECEIPT_KIT_NOT_SHIPPED = 7205
