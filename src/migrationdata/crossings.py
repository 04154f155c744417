"""Border crossings by port and month, for notebooks and the fact-check.

The loaders live with their source (:mod:`migrationdata.sources.bts`); this module gives them
the name a reporter looks for: ``crossings.port("Lukeville", "Personal Vehicles")``,
``crossings.around("eagle-pass-rail-2023-12")``.
"""

from migrationdata.sources.bts import CLOSURE_MEASURES, MEASURES, around, port, port_shares, us_mexico

__all__ = ["CLOSURE_MEASURES", "MEASURES", "around", "port", "port_shares", "us_mexico"]
