"""The residents' Mesa agents: one household on its home cell, for space, portrayal and
inspection.

The residents' state and rules live in :class:`~quartiersim.residents.Residents` (NumPy arrays,
no Mesa); this module is the only one of the residents' code that imports Mesa, so that the
parameter declaration, the registries and the command line's help can be read without it.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
from mesa.discrete_space import CellAgent

from quartiersim.residents import AGE_GROUPS, DOMAINS, Residents


class Resident(CellAgent):
    """One household on its home cell; its state is a row of :class:`Residents`."""

    def __init__(self, model: mesa.Model, index: int, cell: Any) -> None:
        super().__init__(model)
        self.index = index
        self.cell = cell

    @property
    def state(self) -> Residents:
        """The arrays of all residents; this resident is row :attr:`index`."""
        return self.model.residents

    @property
    def helplessness(self) -> float:
        """Learned helplessness (erlernte Hilflosigkeit), 0..1."""
        return float(self.state.helplessness[self.index])

    @property
    def withdrawn(self) -> bool:
        """Whether this resident has withdrawn into resigned privacy (resignative Privatheit)."""
        return bool(self.state.withdrawn[self.index])

    @property
    def origin(self) -> int:
        """Origin group (0 = long-established)."""
        return int(self.state.origin[self.index])

    @property
    def age_group(self) -> str:
        """``youth``, ``adult`` or ``elderly``."""
        return AGE_GROUPS[self.state.age[self.index]]

    @property
    def group(self) -> int:
        """Id of the action group this resident is active in, -1 for none."""
        return int(self.state.group[self.index])

    @property
    def activated_share(self) -> float:
        """Share of this resident's resources that is activated."""
        s, i = self.state, self.index
        return float(s.activated[i].sum() / s.resources[i].sum())

    @property
    def self_efficacy(self) -> float:
        """Self-efficacy (Selbstwirksamkeit), 0..1."""
        return float(self.state.self_efficacy[self.index])

    def profile(self) -> dict[str, Any]:
        """Everything about this resident, for the inspector; ``bridging`` lists the residents
        this one has a bridging tie to."""
        s, i = self.state, self.index
        ties = self.model.ties.adjacency()[i]
        others = ties.indices
        return {
            "id": i,
            "origin": int(s.origin[i]),
            "age_group": AGE_GROUPS[s.age[i]],
            "helplessness": float(s.helplessness[i]),
            "self_efficacy": float(s.self_efficacy[i]),
            "withdrawn": bool(s.withdrawn[i]),
            "belonging": float(s.belonging[i]),
            "trust": float(s.expect_inst[i]),
            "own_expectation": float(s.expect_own[i]),
            "waiting_on": int(s.waiting_on[i]),
            "group": int(s.group[i]),
            "resources": dict(zip(DOMAINS, s.resources[i].round(3).tolist(), strict=True)),
            "activated": dict(zip(DOMAINS, s.activated[i].round(3).tolist(), strict=True)),
            "ties": dict(zip(others.tolist(), ties.data.round(3).tolist(), strict=True)),
            "bridging": others[s.across(np.full(len(others), i), others)].tolist(),
        }
