"""What the community workers' team knows of the quarter (raumdiagnostische Kompetenz).

Herriger: the professional needs a small-scale social reporting that, by needs and resource
diagnostics, provides "eine stets aktuelle Wissensbasis" — and sensitivity for residents'
changing needs and (hidden) resources. Knowledge is built, never handed to the workers: the
team learns only what its contacts, walks and group sessions show it, through the world's
observation functions (:meth:`quartiersim.residents.Residents.observe`,
:meth:`quartiersim.groups.ActionGroups.observe_capacity`), each a noisy reading. Estimates are
running means of the readings, so their error shrinks with repeated contact (about
``diagnosis_noise`` / √contacts). Workers act on this view only (``docs/odd.md``, II.4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NEVER = -(10**6)
"""The week of something that never happened (a visit never offered)."""


@dataclass(frozen=True)
class Reading:
    """What one contact shows the team of residents ``who``: a noisy reading of each one's
    buried and activated resources per domain, and whether they have withdrawn."""

    who: np.ndarray
    buried: np.ndarray  # (len(who), domains)
    activated: np.ndarray  # (len(who), domains)
    withdrawn: np.ndarray  # bool, as seen at the contact


class TeamKnowledge:
    """The team's shared view of the quarter: whom it knows and what it has seen of them, the
    burden it has walked past, how capable it found each group, and what it spent its hours on.
    """

    def __init__(self, n: int, n_domains: int, n_buildings: int) -> None:
        #: residents the team has met
        self.known = np.zeros(n, dtype=bool)
        #: contacts with each resident so far (readings taken)
        self.contacts = np.zeros(n, dtype=np.int64)
        #: estimated buried and activated resource per domain (running means of readings)
        self.buried_est = np.zeros((n, n_domains))
        self.activated_est = np.zeros((n, n_domains))
        #: withdrawn into resigned privacy when the team last saw them
        self.seen_withdrawn = np.zeros(n, dtype=bool)
        #: week each resident was last offered an outreach visit
        self.offered_week = np.full(n, NEVER)
        #: burden of each building, as walks through the quarter showed it
        self.need = np.zeros(n_buildings)
        #: estimated capacity of each group (by id) and the sessions behind the estimate
        self.group_capacity_est: dict[int, float] = {}
        self.group_sessions: dict[int, int] = {}
        #: hours the team spent on each activity during the project (what it can hand over)
        self.hours_by_activity: dict[str, float] = {}

    def record_contact(self, reading: Reading) -> None:
        """A contact with residents ``reading.who``: they are known, and each estimate moves to
        the running mean of all readings so far."""
        who = reading.who
        first: np.ndarray | slice = slice(None)
        if len(who) > 1 and not (who[1:] > who[:-1]).all():  # one reading per resident, in order
            who, first = np.unique(who, return_index=True)
        if len(who) == 0:
            return
        self.known[who] = True
        self.seen_withdrawn[who] = reading.withdrawn[first]
        self.contacts[who] += 1
        k = self.contacts[who][:, None]
        self.buried_est[who] += (reading.buried[first] - self.buried_est[who]) / k
        self.activated_est[who] += (reading.activated[first] - self.activated_est[who]) / k

    def record_group_session(self, group: int, capacity_reading: float) -> None:
        """A session with group ``group``: its capacity estimate moves to the running mean."""
        k = self.group_sessions.get(group, 0) + 1
        old = self.group_capacity_est.get(group, 0.0)
        self.group_sessions[group] = k
        self.group_capacity_est[group] = old + (capacity_reading - old) / k

    def capacity_estimate(self, group: int, unknown: float) -> float:
        """The team's estimate of ``group``'s capacity (``unknown`` if never met)."""
        return self.group_capacity_est.get(group, unknown)

    def record_hours(self, hours: dict[str, float]) -> None:
        """Hours spent this week on each activity (summed over the project)."""
        for activity, h in hours.items():
            if h > 0:
                self.hours_by_activity[activity] = self.hours_by_activity.get(activity, 0.0) + h

    def forget(self, who: np.ndarray) -> None:
        """Residents ``who`` moved away: the newcomers in their dwellings are strangers."""
        self.known[who] = False
        self.contacts[who] = 0
        self.buried_est[who] = 0.0
        self.activated_est[who] = 0.0
        self.seen_withdrawn[who] = False
        self.offered_week[who] = NEVER
