"""The neighbourhood's layout (Quartier): streets, buildings, public places, origin zones.

A building (house community, *Hausgemeinschaft*) is a small block of dwelling cells between
streets. A few blocks are public places where residents meet: community centre
(*Stadtteilzentrum*), playground, square, café. Segregation works through *origin zones*:
vertical strips of the quarter, one per origin group, sized by the groups' shares.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

PLACE_KINDS: tuple[str, ...] = ("community_centre", "playground", "square", "cafe")
PLACE_NAMES: dict[str, tuple[str, str]] = {
    "community_centre": ("community centre", "Stadtteilzentrum"),
    "playground": ("playground", "Spielplatz"),
    "square": ("square", "Platz"),
    "cafe": ("café", "Café"),
}
"""English and German name of each kind of public place."""

BLOCK_W, BLOCK_H = 3, 4  # a building: 3 x 4 dwelling cells
STREET_EVERY_X, STREET_EVERY_Y = 7, 5  # a street after two buildings across, one building down


@dataclass(frozen=True)
class Layout:
    """Where things are. Cell coordinates are (x, y) with 0 <= x < width, 0 <= y < height."""

    width: int
    height: int
    building: np.ndarray  # (width, height) int: building id, -1 for street or public place
    place: np.ndarray  # (width, height) int: public place id, -1 elsewhere
    place_kind: tuple[str, ...]  # kind of each public place
    place_xy: np.ndarray  # (n_places, 2) a representative cell of each place
    dwellings: np.ndarray  # (n_dwellings, 2) cells that house households

    @property
    def n_buildings(self) -> int:
        """Number of residential buildings (house communities)."""
        return int(self.building.max()) + 1

    @property
    def n_places(self) -> int:
        """Number of public places."""
        return len(self.place_kind)


@dataclass(frozen=True)
class Area:
    """A part of the quarter that a worker is sent to (a few blocks, a *Kiez*): the cells with
    ``x0 <= x < x1`` and ``y0 <= y < y1``.

    Social-space orientation (*Sozialraumorientierung*) means working where people live: a team
    may concentrate a role on one part of the quarter instead of spreading it thin. A role that
    goes somewhere (declared ``placed`` in :data:`quartiersim.roles.ACTIVITIES`) respects the
    area it was given; without one it works across the whole quarter, as before.
    """

    x0: int
    y0: int
    x1: int
    y1: int

    def contains(self, xy: np.ndarray) -> np.ndarray:
        """Which of the cells ``xy`` (an (n, 2) array of x, y) lie in the area."""
        x, y = xy[:, 0], xy[:, 1]
        return (x >= self.x0) & (x < self.x1) & (y >= self.y0) & (y < self.y1)

    def random_cell(self, rng: np.random.Generator) -> tuple[int, int]:
        """A random cell of the area, as (x, y), drawn from the quarter's generator ``rng``."""
        return int(rng.integers(self.x0, self.x1)), int(rng.integers(self.y0, self.y1))


class HomeIndex:
    """Residents' homes sorted by cell, so that a look around one place reads only the homes
    nearby instead of measuring the distance to every home in the quarter. Addresses never
    change (newcomers move into the dwellings of those who left), so the index is built once.
    """

    def __init__(self, home_xy: np.ndarray, height: int) -> None:
        self.xy = home_xy
        self.height = height
        cell = home_xy[:, 0].astype(np.int64) * height + home_xy[:, 1]
        self.order = np.argsort(cell, kind="stable")
        self.cell = cell[self.order]

    def near(self, x: float, y: float, radius: float) -> np.ndarray:
        """The residents whose home lies within ``radius`` cells of (x, y), ascending — the
        same as comparing every home's distance with ``radius``."""
        x0, x1 = math.ceil(x - radius), math.floor(x + radius)
        y0, y1 = max(0, math.ceil(y - radius)), min(self.height - 1, math.floor(y + radius))
        if x1 < 0 or y1 < y0:
            return np.zeros(0, dtype=np.int64)
        columns = np.arange(max(0, x0), x1 + 1, dtype=np.int64) * self.height
        start = np.searchsorted(self.cell, columns + y0)
        stop = np.searchsorted(self.cell, columns + y1, side="right")
        count = stop - start
        # every home of the square around (x, y): each column's run of the sorted cells
        first = np.repeat(start - np.cumsum(count) + count, count)
        who = self.order[first + np.arange(int(count.sum()))]
        xy = self.xy[who]
        inside = np.hypot(xy[:, 0] - x, xy[:, 1] - y) <= radius
        return np.sort(who[inside])


def check_area(value: Any, width: int, height: int, *, name: str = "area") -> Area | None:
    """An :class:`Area` (or four whole numbers ``x0, y0, x1, y1``) checked against a
    ``width`` x ``height`` quarter; ``None`` means the whole quarter. Raises ``ValueError``
    naming the value and what is allowed."""
    if value is None:
        return None
    if isinstance(value, Area):
        value = (value.x0, value.y0, value.x1, value.y1)
    allowed = (
        f"expected four whole numbers x0, y0, x1, y1 with 0 <= x0 < x1 <= {width} and "
        f"0 <= y0 < y1 <= {height}"
    )
    try:
        parts = list(value)
    except TypeError:
        raise ValueError(f"{name}={value!r} is not allowed: {allowed}") from None
    if len(parts) != 4 or not all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) for v in parts
    ):
        raise ValueError(f"{name}={value!r} is not allowed: {allowed}")
    x0, y0, x1, y1 = (int(v) for v in parts)
    if not (0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height):
        raise ValueError(f"{name}={tuple(parts)!r} is not allowed: {allowed}")
    return Area(x0, y0, x1, y1)


def build_layout(width: int, height: int, rng: np.random.Generator) -> Layout:
    """Lay out streets, buildings and public places on a ``width`` x ``height`` grid."""
    x, y = np.meshgrid(np.arange(width), np.arange(height), indexing="ij")
    street = (x % STREET_EVERY_X == STREET_EVERY_X - 1) | (y % STREET_EVERY_Y == STREET_EVERY_Y - 1)
    block_x = x // STREET_EVERY_X
    half = (x % STREET_EVERY_X) // BLOCK_W  # two buildings side by side in a block
    block_y = y // STREET_EVERY_Y
    raw = (block_x * 2 + half) * (height // STREET_EVERY_Y + 1) + block_y
    raw = np.where(street, -1, raw)

    # Public places: one building plot per ~350 cells, at least one of each kind, spread evenly.
    plots = np.unique(raw[raw >= 0])
    n_places = min(len(plots) // 2, max(len(PLACE_KINDS), (width * height) // 350))
    chosen = rng.choice(plots, size=n_places, replace=False) if n_places else np.array([], int)
    place = np.full((width, height), -1)
    place_xy = np.zeros((n_places, 2), dtype=int)
    for pid, plot in enumerate(chosen):
        cells = raw == plot
        place[cells] = pid
        xs, ys = np.nonzero(cells)
        place_xy[pid] = xs[len(xs) // 2], ys[len(ys) // 2]
    kinds = tuple(PLACE_KINDS[i % len(PLACE_KINDS)] for i in range(n_places))

    dwelling_mask = (raw >= 0) & (place < 0)
    # Renumber buildings 0..B-1 so ids index arrays directly.
    _, building_ids = np.unique(np.where(dwelling_mask, raw, -1), return_inverse=True)
    building = np.where(dwelling_mask, building_ids.reshape(width, height) - 1, -1)
    dwellings = np.argwhere(dwelling_mask)
    return Layout(width, height, building, place, kinds, place_xy, dwellings)


def origin_zone(x: np.ndarray, width: int, shares: np.ndarray) -> np.ndarray:
    """The origin group whose zone covers column ``x``: strips sized by population shares."""
    bounds = np.cumsum(shares)[:-1] * width
    return np.searchsorted(bounds, x, side="right")


def place_households(
    layout: Layout,
    origin: np.ndarray,
    shares: np.ndarray,
    segregation: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Choose a dwelling (row of ``layout.dwellings``) for each household.

    With probability ``segregation`` a household lives in its own origin's zone, otherwise
    anywhere. Dwellings fill evenly (households per dwelling differ by at most about one), so
    density does not depend on segregation.
    """
    n = len(origin)
    n_dw = len(layout.dwellings)
    per = int(np.ceil(n / n_dw))
    slots = np.repeat(np.arange(n_dw), per)  # each dwelling offers `per` slots
    slots = slots[rng.permutation(len(slots))]
    slot_zone = origin_zone(layout.dwellings[slots, 0], layout.width, shares)
    free = np.ones(len(slots), dtype=bool)
    home = np.full(n, -1)

    segregated = rng.random(n) < segregation
    for o in range(len(shares)):  # a loop over origin groups, not residents
        movers = np.flatnonzero(segregated & (origin == o))
        options = np.flatnonzero(free & (slot_zone == o))[: len(movers)]
        home[movers[: len(options)]] = slots[options]
        free[options] = False
    rest = np.flatnonzero(home < 0)
    options = np.flatnonzero(free)
    # Everyone else takes a free slot anywhere (slots are shuffled, so: a random dwelling).
    home[rest] = slots[options[: len(rest)]]
    return home
