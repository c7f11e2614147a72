"""What a run records as it goes: one row a day (trust, satisfaction, visibility, officers'
busy share, the queue, open disputes, offenders in jail, festival) and officers busy and on
duty each hour. Everything else is read from the components at the end (metrics.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .units import MINUTES_PER_DAY

if TYPE_CHECKING:
    from .community import Community
    from .crime import CrimeProcess
    from .dispatch import CommandCentre
    from .disputes import DisputeProcess
    from .rhythms import Calendar


class DailyRecord:
    """The daily table's rows and the hourly busy counts, from the observation's start."""

    def __init__(
        self,
        start_time: float,
        community: Community,
        command_centre: CommandCentre,
        disputes: DisputeProcess,
        crime: CrimeProcess,
        calendar: Calendar,
    ) -> None:
        self.start_time = start_time
        self.community = community
        self.command_centre = command_centre
        self.disputes = disputes
        self.crime = crime
        self.calendar = calendar
        self.rows: list[dict[str, float]] = []
        self.hourly_busy: list[tuple[float, int, int]] = []  # (minute, busy, on duty)
        self._busy_today: list[float] = []

    def hour(self, t: float, busy: int, on_duty: int) -> None:
        self.hourly_busy.append((t, busy, on_duty))
        self._busy_today.append(busy / on_duty if on_duty else 0.0)

    def day(self, t: float) -> None:
        """Record the day that ends at minute t."""
        community = self.community
        mean_trust, satisfaction = community.trust_measures()
        self.rows.append(
            {
                "day": int(round((t - self.start_time) / MINUTES_PER_DAY)) - 1,
                "mean_trust": mean_trust,
                "satisfaction": satisfaction,
                "visibility": float(community.visibility(t)),
                "busy_share": float(np.mean(self._busy_today)) if self._busy_today else 0.0,
                "queued": len(self.command_centre.waiting),
                "open_disputes": len(self.disputes.open),
                "offenders_jailed": sum(r > t for r in self.crime.in_jail),
                "festival": bool(self.calendar.is_festival(t - 1)),
            }
        )
        self._busy_today = []

    def restart(self) -> None:
        """The warm-up is over: the record starts afresh (today's busy hours are kept)."""
        self.rows.clear()
        self.hourly_busy.clear()
