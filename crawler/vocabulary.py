"""The words Chinese finance portals write around their fields, in one place: extraction, listing dates and
normalisation all build their patterns from these tables.

Add a label, a relative-time form or a separator here and every stage that reads it learns it.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

# The portals' clock: a time without an offset ("2024-09-03 11:54") is Beijing time.
SHANGHAI = ZoneInfo("Asia/Shanghai")
