"""Institutions that decide residents' claims: the administration and the housing company.

An institution answers claims on two **channels**: the residents' **own** (a group's claim at
the assembly) and the **mediated** one (a claim a community worker carried since the last
assembly: the door opener advocated for the group, or the dialogue manager translated it). Each
channel has its own responsiveness *r*, starting at the institution's baseline; a claim on it
must clear the bar ``claim_bar`` − ``responsiveness_effect`` · *r*. After each decision the
institution learns, Bush–Mosteller, whether engaging that channel delivered: a claim whose
backing cleared the bar (well founded, representative) raises *r*, a poorly backed one lowers
it, and a refusal the group made public raises it (refusing had a cost). Every week each channel
forgets a little of what it learned (back toward the baseline). A round table with the workers
raises only the mediated channel: the recognition the workers win (*Resonanzräume*, Herriger)
belongs to them, not to the residents. This is our reading of "the administration learns which
channel delivers" (``docs/predictions.md`` 2.6).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

OWN, MEDIATED = 0, 1
"""The two channels a claim can reach an institution on."""
CHANNELS = ("own", "mediated")


class Institution:
    """An institution that decides claims (the administration, the housing company): its
    responsiveness per channel and how it learns."""

    def __init__(self, name: str, baseline: float, params: Mapping[str, Any]) -> None:
        self.name = name
        self.params = params
        self.baseline = float(baseline)
        #: responsiveness per channel (OWN, MEDIATED), in [0, 1]
        self.responsiveness = np.full(len(CHANNELS), self.baseline)

    def reset(self, baseline: float) -> None:
        """A new head: the baseline and both channels start again at ``baseline``."""
        self.baseline = float(baseline)
        self.responsiveness[:] = self.baseline

    def bar(self, channel: int) -> float:
        """The backing a claim on ``channel`` must reach for an even chance."""
        p = self.params
        return p["claim_bar"] - p["responsiveness_effect"] * float(self.responsiveness[channel])

    def chance(self, backing: float, channel: int) -> float:
        """Probability that a claim with ``backing`` on ``channel`` is granted."""
        softness = self.params["grant_softness"]
        return 1.0 / (1.0 + np.exp(-(backing - self.bar(channel)) / softness))

    def learn(self, channel: int, backing: float, publicity: float = 0.0) -> None:
        """After a decision on ``channel``: evidence *x* = clip((backing − bar) / 0.5, −1, 1),
        plus ``publicity`` (attention gained by going public after a refusal); the channel's
        responsiveness moves by ``admin_learning_rate`` · *x* of the way to 1 (x > 0) or 0."""
        rate = self.params["admin_learning_rate"]
        scale = self.params["learning_scale"]
        x = float(np.clip((backing - self.bar(channel)) / scale, -1.0, 1.0))
        x = float(np.clip(x + publicity, -1.0, 1.0))
        r = float(self.responsiveness[channel])
        r = r + rate * x * (1.0 - r) if x > 0 else r + rate * x * r
        self.responsiveness[channel] = min(1.0, max(0.0, r))

    def forget(self) -> None:
        """A week passes: each channel moves ``admin_forgetting`` of the way to the baseline."""
        self.responsiveness += self.params["admin_forgetting"] * (
            self.baseline - self.responsiveness
        )

    def recognise(self, effect: float, channel: int = MEDIATED) -> None:
        """A round table: the channel of whoever holds it (the workers': mediated; a resident
        organiser's: the residents' own) moves ``effect`` of the way to 1."""
        r = self.responsiveness[channel]
        self.responsiveness[channel] = r + effect * (1.0 - r)
