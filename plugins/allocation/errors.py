"""The allocation plugin's error codes, in its manifest's range 7170-7219."""

from __future__ import annotations

import enum


class AllocationCodes(enum.IntEnum):
    """Append only: a number never changes. 7170-7199 kits, configuration and dispensing,
    7200-7219 supply."""

    # Supply of the centers (7200-7219).
    SUPPLY_KIT_TYPE_UNKNOWN = 7200
    SUPPLY_DEPOT_UNKNOWN = 7201
    SHIPMENT_ALREADY_REQUESTED = 7202
    DEPOT_STOCK_SHORT = 7203
    RECEIPT_INCOMPLETE = 7204
    RECEIPT_KIT_NOT_SHIPPED = 7205
