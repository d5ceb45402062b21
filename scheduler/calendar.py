"""When a message may be delivered: quiet hours for everything, working days for nudges.

Nudges skip weekends, Indonesian national holidays and collective leave (cuti bersama), taken
from the ``holidays`` library (categories public and government); a meeting-day reminder
goes out on a holiday too, because the meeting happens anyway.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

WORKDAY_START = time(7, 30)  # office hours start; a nudge at 06.00 wakes nobody kindly


class Calendar:
    def __init__(self, quiet_hours: tuple[time, time] | None) -> None:
        self.quiet_hours = quiet_hours
        self._holidays = holidays.country_holidays("ID", categories=("public", "government"))

    def is_holiday(self, day: date) -> bool:
        return day in self._holidays

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_holiday(day)

    def in_quiet_hours(self, moment: time) -> bool:
        if self.quiet_hours is None:
            return False
        start, end = self.quiet_hours
        if start <= end:
            return start <= moment < end
        return moment >= start or moment < end  # the window crosses midnight

    def deliverable_at(self, when: datetime, zone: str, *, working_days_only: bool) -> datetime:
        """The earliest moment at or after ``when`` at which the message may go out."""
        tz = ZoneInfo(zone)
        local = when.astimezone(tz)
        for _ in range(60):  # bounded: Lebaran's longest cuti bersama is about ten days
            if working_days_only and not self.is_working_day(local.date()):
                local = datetime.combine(local.date() + timedelta(days=1), WORKDAY_START, tz)
                continue
            if self.in_quiet_hours(local.timetz().replace(tzinfo=None)):
                assert self.quiet_hours is not None
                end = self.quiet_hours[1]
                day = local.date() if local.time() < end else local.date() + timedelta(days=1)
                local = datetime.combine(day, end, tz)
                continue
            if working_days_only and local.time() < WORKDAY_START:
                local = datetime.combine(local.date(), WORKDAY_START, tz)
                continue
            break
        return local.astimezone(when.tzinfo)
