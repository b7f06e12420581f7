"""Reading a value as a number, the same way for every door.

A value reaches the model from Python (``int``, ``float``, NumPy's ``int64`` and ``float64``),
from text (the command line, the browser view's inputs: ``"12"``, ``"0.5"``) or from an
experiment file (TOML integers and floats). The checks of the parameters, the role mix, the
event schedule and the seed (:mod:`quartiersim.parameters`, :mod:`quartiersim.roles`,
:mod:`quartiersim.events`) read every value through :func:`number` and :func:`whole_number`,
and show it in their messages through :func:`show`, so that the same bad value gets the same
message whichever door it came through.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np


def number(value: Any) -> int | float | None:
    """``value`` as a Python ``int`` or ``float``, or None if it is not a number.

    Integers and floats of Python and NumPy are numbers; so is text that reads as one
    (``" 12 "``, ``"0.5"``, ``"inf"``). Truth values are not numbers (``True`` is no count).
    """
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return float(text)
        except ValueError:
            return None
    return None


def whole_number(value: Any) -> int | None:
    """``value`` as an ``int`` if it is a whole number (``3``, ``3.0``, ``"3"``), else None
    (``3.5``, ``inf``, ``nan``, ``"three"``)."""
    n = number(value)
    if isinstance(n, float):
        if not math.isfinite(n) or not n.is_integer():
            return None
        return int(n)
    return n


def finite_number(value: Any) -> float | None:
    """``value`` as a finite ``float``, else None (not a number, infinite, NaN, or an integer
    too large for a float)."""
    n = number(value)
    try:
        x = float(n) if n is not None else math.nan
    except OverflowError:
        return None
    return x if math.isfinite(x) else None


def show_number(value: Any) -> str:
    """A value that should be a number, as messages show it: text that reads as a number as
    that number (``"2.0"`` typed into an input shows as ``2.0``, as from Python), anything
    else as :func:`show` does."""
    if isinstance(value, str) and number(value) is not None:
        return show(number(value))
    return show(value)


def show(value: Any) -> str:
    """``value`` as messages show it: like ``repr``, but NumPy scalars as the plain numbers
    they are (``1.5``, not ``np.float64(1.5)``), inside lists and mappings too."""
    if isinstance(value, np.generic):
        return repr(value.item())
    if isinstance(value, dict):
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(show(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)
