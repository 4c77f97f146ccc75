"""The incomplete hours of 15-minute counts: an hour whose volume is the sum of fewer than its
four quarters is noted in the import's report, with a few examples."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from analytics.ingest.report import ImportReport

#: The hours of quarter-hourly series (a series with a time off the hour in the file) that
#: hold fewer than their four quarters: (site, direction, mode, lane, UTC hour, quarters).
PARTIAL_HOURS_SQL = """
WITH quarterly AS (
    SELECT DISTINCT site_id, direction, mode, lane FROM fresh WHERE minute(ts_utc) <> 0
), hours AS (
    SELECT f.site_id, f.direction, f.mode, f.lane, date_trunc('hour', f.ts_utc) AS hour_utc,
           count(*) AS quarters
    FROM fresh f SEMI JOIN quarterly q USING (site_id, direction, mode, lane)
    GROUP BY ALL
)
SELECT site_id, epoch(hour_utc), quarters FROM hours WHERE quarters < 4
ORDER BY site_id, hour_utc
"""


class PartialHours:
    """Counts the incomplete hours of 15-minute data, month after month (MonthlyMerge's
    on_month): their hourly volume is the sum of fewer than four quarters."""

    EXAMPLES = 5

    def __init__(self) -> None:
        self.count = 0
        self.examples: list[tuple[str, object, int]] = []

    def check(self, con) -> None:
        rows = con.execute(PARTIAL_HOURS_SQL)
        while batch := rows.fetchmany(10_000):
            self.count += len(batch)
            self.examples += batch[: self.EXAMPLES - len(self.examples)]

    def note(self, report: ImportReport, tz: str) -> None:
        if not self.count:
            return
        zone = ZoneInfo(tz)
        examples = ", ".join(
            f"{site} {dt.datetime.fromtimestamp(hour, tz=zone):%Y-%m-%d %H:00} ({quarters}/4)"
            for site, hour, quarters in self.examples
        )
        report.note("partial_hours", hours=self.count, examples=examples)
