"""Flags and argument types of the command line, derived from the parameter declaration.

Every model parameter of :data:`quartiersim.PARAMETERS` becomes a flag (``n_residents`` →
``--n-residents``) whose type checks the value by the declaration and whose help text gives the
meaning, unit, allowed values and default. The flags shared by several commands (where runs go,
overrides of an experiment file) live here too.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

from quartiersim import ACTIVITIES, MEASURES, PARAMETERS
from quartiersim.experiments.experiment import parse_set
from quartiersim.experiments.source import suggest
from quartiersim.parameters import PRESETS, Parameter, Preset, check_seed


def int_at_least(low: int, what: str = "an integer") -> Callable[[str], int]:
    """An argument type: a whole number >= ``low`` (the message calls it ``what``)."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what} >= {low}, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected {what} >= {low}, got {value}")
        return value

    convert.__name__ = f"integer >= {low}"
    return convert


def seed_value(text: str) -> int:
    """An argument type: a seed, checked like every other door's (:func:`check_seed`)."""
    try:
        return check_seed(text.strip())  # type: ignore[return-value]
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


seed_value.__name__ = "seed"


def port_number(text: str) -> int:
    """An argument type: a TCP port, 1..65535."""
    value = int_at_least(1, "a port number")(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 1..65535, got {value}")
    return value


def hours_range(text: str) -> tuple[float, float]:
    """``10:39`` → (10.0, 39.0); ``39`` → (39.0, 39.0)."""
    low, sep, high = text.partition(":")
    try:
        lo = float(low)
        hi = float(high) if sep else lo
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected LOW:HIGH hours (e.g. 10:39) or one number, got {text!r}"
        ) from None
    return lo, hi


def positive_number(text: str) -> float:
    """An argument type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def _parameter_type(p: Parameter) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            return p.from_text(text)  # the one reader of text, shared with the browser view
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None

    convert.__name__ = p.name
    return convert


def measure_list(text: str) -> tuple[str, ...]:
    """An argument type: measure names separated by commas, each one of ``MEASURES``."""
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    for n in names:
        if n not in MEASURES:
            raise argparse.ArgumentTypeError(
                f"unknown measure {n!r}{suggest(n, MEASURES)}; measures: {', '.join(MEASURES)}"
            )
    if not names:
        raise argparse.ArgumentTypeError("expected measure names separated by commas")
    return names


def name_list(text: str) -> tuple[str, ...]:
    """An argument type: names separated by commas (checked by the command that uses them)."""
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    if not names:
        raise argparse.ArgumentTypeError("expected names separated by commas")
    return names


# ---------------------------------------------------------------------------------------------
# Shared flags
# ---------------------------------------------------------------------------------------------


def _help_text(p: Parameter) -> str:
    if p.kind is dict:
        allowed = (
            "activity=share pairs, e.g. door_opener=2,dialogue_manager=1 (activities: "
            + ", ".join(ACTIVITIES)
            + ")"
        )
        default = "the strategy's preset"
    elif p.kind is tuple:
        allowed = "week:event entries separated by commas, e.g. 104:rent_increase,120:funding_cut"
        default = "none"
    else:
        allowed = p.allowed()
        default = repr(p.default) if p.kind is str else f"{p.default}"
    unit = f" ({p.unit})" if p.unit else ""
    return f"{p.meaning}{unit} Allowed: {allowed}. Default: {default}.".replace("%", "%%")


def add_parameter_flags(parser: argparse.ArgumentParser, exclude: Sequence[str] = ()) -> None:
    """One flag per model parameter, generated from the declaration."""
    group = parser.add_argument_group(
        "model parameters",
        "every parameter of quartiersim.PARAMETERS; unset ones keep their defaults (a "
        "real-sized quarter) or take the --preset's values",
    )
    group.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        default=None,
        help="start from a named set of values instead of the defaults; flags still win. "
        + "; ".join(f"{p.name}: {_preset_text(p)}" for p in PRESETS.values()),
    )
    for p in PARAMETERS.values():
        if p.name in exclude:
            continue
        kwargs: dict[str, Any] = {"dest": f"param_{p.name}", "default": None, "help": _help_text(p)}
        if p.kind is bool:
            kwargs["action"] = argparse.BooleanOptionalAction
        else:
            kwargs["type"] = _parameter_type(p)
            kwargs["metavar"] = (
                "{" + ",".join(p.choices) + "}"
                if p.choices
                else "MIX"
                if p.kind is dict
                else "SCHEDULE"
                if p.kind is tuple
                else "N"
                if p.kind is int
                else "X"
            )
        group.add_argument(p.cli_flag, **kwargs)


def _preset_text(preset: Preset) -> str:
    values = ", ".join(f"{k}={v}" for k, v in preset.values.items())
    # argparse formats help with %: escape the ones in the text
    return f"{values} ({preset.staffing()})".replace("%", "%%")


def given_parameters(args: argparse.Namespace) -> dict[str, Any]:
    """The model parameters set on the command line (checked values), on top of the
    ``--preset``'s values when one is named."""
    preset = getattr(args, "preset", None)
    base = dict(PRESETS[preset].values) if preset else {}
    return base | {
        name: value
        for name in PARAMETERS
        if (value := getattr(args, f"param_{name}", None)) is not None
    }


def add_executor_flags(parser: argparse.ArgumentParser) -> None:
    """Add --processes and --scheduler (where the runs go)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--processes",
        type=int_at_least(1),
        metavar="N",
        help="worker processes on this machine (default: one per core)",
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask distributed cluster: the scheduler's address, tcp://HOST:PORT "
        "or tls://HOST:PORT (needs the 'cluster' extra)",
    )
    for flag, what in (
        ("--tls-ca-file", "the cluster's certificate authority"),
        ("--tls-cert", "this machine's certificate"),
        ("--tls-key", "the certificate's private key"),
    ):
        parser.add_argument(
            flag, metavar="FILE", help=f"with --scheduler tls://...: {what} (PEM file)"
        )
    parser.add_argument(
        "--scheduler-timeout",
        type=int_at_least(1),
        default=30,
        metavar="SECONDS",
        help="with --scheduler: how long to wait for the scheduler and its first worker "
        "(default 30)",
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar with rate and time left (default: when on a terminal)",
    )


def add_safety_flags(parser: argparse.ArgumentParser) -> None:
    """Add --yes (start a large sweep) and --allow-mixed (mix runs of other code)."""
    parser.add_argument(
        "--yes",
        action="store_true",
        help="start even a large plan (more than 10,000 runs or a day of work) without asking",
    )
    parser.add_argument(
        "--allow-mixed",
        action="store_true",
        help="add runs to a folder whose runs were computed by other model code or library "
        "versions (refused by default; the report then states that the results are mixed)",
    )


def tls_files(args: argparse.Namespace) -> Any:
    """The --tls-* files given on the command line (see quartiersim.experiments.cluster)."""
    from quartiersim.experiments.cluster import TLSFiles

    return TLSFiles(args.tls_ca_file, args.tls_cert, args.tls_key)


def add_override_flags(
    parser: argparse.ArgumentParser, *, steps: bool = True, replications: bool = True
) -> None:
    """Add --steps, --replications and --seed overrides of an experiment file."""
    group = parser.add_argument_group("overrides of the experiment file")
    if steps:
        group.add_argument(
            "--steps",
            type=int_at_least(1),
            metavar="WEEKS",
            help="weeks per run instead of [experiment] steps",
        )
    if replications:
        group.add_argument(
            "--replications",
            type=int_at_least(1),
            metavar="N",
            help="runs per condition instead of [experiment] replications",
        )
    group.add_argument(
        "--seed",
        type=seed_value,
        metavar="SEED",
        help="experiment seed instead of [experiment] seed",
    )
    group.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="fix a model parameter for every run (replaces its [parameters] value, [sweep] "
        "list or variant value); the value is read as TOML, e.g. --set n_residents=200 "
        "--set strategy=none; repeatable",
    )


def given_sets(args: argparse.Namespace) -> dict[str, Any]:
    """The ``--set NAME=VALUE`` overrides as a mapping (values read as TOML)."""
    return dict(parse_set(s) for s in args.set)
