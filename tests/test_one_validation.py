"""One validation for every door (issue 18, cases 6 and 7): the Python API
(``QuartierModel(...)``, ``quartiersim.parameters.validate``), the command line, experiment
files (TOML), the browser view's controls and its address (``?seed=3&segregation=0.8``, as
links, reloads and the optimiser's replay URLs give it) check a value by the same rules and
answer a bad value with the same message. A property test feeds the same random bad values
through every door that can carry them."""

from __future__ import annotations

import contextlib
import io
import json
import math
import string
import subprocess
import sys
from urllib.parse import urlencode

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from quartiersim import ACTIVITIES, EVENTS, PARAMETERS, QuartierModel
from quartiersim.app import scenario
from quartiersim.app.session import Session
from quartiersim.cli import main
from quartiersim.errors import UsageError
from quartiersim.experiments.experiment import parse_experiment
from quartiersim.experiments.source import Source
from quartiersim.parameters import check_seed, validate

NUMERIC = sorted(n for n, p in PARAMETERS.items() if p.kind in (int, float))
TINY = {"n_residents": 30, "width": 12, "height": 12}


@pytest.fixture(scope="module")
def session() -> Session:
    """The browser view's session: what its controls call."""
    return Session(seed=1, **TINY)


# -- how a value is written at each door -------------------------------------------------------


def text(value: object) -> str:
    """The value as typed on the command line (``--flag=TEXT``, the way to pass a negative
    number) or into an input of the browser view."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value) if isinstance(value, float) else str(value)


def toml(value: object) -> str | None:
    """The value as written in an experiment file (None: TOML cannot write it)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if -(2**63) <= value < 2**63 else None
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return {math.inf: "inf", -math.inf: "-inf"}.get(value, repr(value))
    return json.dumps(value)


def refusal(action) -> str:
    """The message with which ``action()`` refuses (it must refuse)."""
    with pytest.raises(ValueError) as refused:
        action()
    return str(refused.value)


def cli_refusal(*args: str) -> str:
    """The command line's message for ``quartiersim ARGS`` (it must refuse: exit code 2)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as e:  # argparse refuses bad flag values itself
            code = e.code
    assert code == 2, err.getvalue()
    return err.getvalue()


def toml_refusal(body: str) -> str:
    """The message for an experiment file ``[experiment] ... + body``."""
    with pytest.raises(UsageError) as refused:
        parse_experiment(*Source.parse('[experiment]\nname = "doors"\n' + body, "doors.toml"))
    return str(refused.value)


def address_refusal(**query: str) -> str:
    """The browser view's message for a page address with ``query`` (it must refuse the one
    bad value: the page opens without it and names it in a notice)."""
    _, notices = scenario.from_query(urlencode(query))
    assert [n.key for n in notices] == ["bad_value"], notices
    return notices[0].data["detail"]


# -- the bad values ----------------------------------------------------------------------------

words = st.text(alphabet=string.ascii_letters, min_size=1, max_size=6)
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**25), max_value=10**25),
)


def bad_for(name: str, value: object) -> bool:
    try:
        PARAMETERS[name].check(value)
    except ValueError:
        return True
    return False


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NUMERIC), value=st.one_of(numbers, words))
def test_a_bad_number_gets_the_same_message_at_every_door(session, name, value):
    """Case 7: a value out of range, not whole for a whole-number parameter, infinite, NaN or
    no number at all is refused by ``validate``, ``QuartierModel``, ``quartiersim run``, an
    experiment file and the browser view's input with one and the same message."""
    assume(bad_for(name, value))
    message = refusal(lambda: validate(**{name: value}))
    assert refusal(lambda: QuartierModel(**{name: value})) == message
    flag = PARAMETERS[name].cli_flag
    assert message in cli_refusal("run", "--steps", "1", f"{flag}={text(value)}")
    literal = toml(value)
    if literal is not None:
        assert message in toml_refusal(f"seed = 1\n[parameters]\n{name} = {literal}\n")
    if name in session.params:
        notice = session.set_param(name, text(value))
        assert notice is not None and notice.data["message"] == message
    if PARAMETERS[name].tunable:  # the view's address carries only what its controls show
        assert address_refusal(**{name: text(value)}) == message
    if isinstance(value, int) and -(2**63) <= value < 2**63:
        assert refusal(lambda: validate(**{name: np.int64(value)})) == message
    if isinstance(value, float):
        assert refusal(lambda: QuartierModel(**{name: np.float64(value)})) == message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    activity=st.sampled_from(list(ACTIVITIES)),
    share=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).filter(
            lambda x: not (x >= 0 and math.isfinite(x))
        ),
        st.integers(max_value=-1),
        st.just(math.inf),
    ),
)
def test_a_bad_role_mix_share_gets_the_same_message_at_every_door(session, activity, share):
    """Case 7: ``role_mix={"door_opener": inf}`` was accepted from Python (the workers then
    spent 0 hours on everything else); a share must be a finite number >= 0 at every door."""
    message = refusal(lambda: validate(role_mix={activity: share}))
    assert "is not allowed: expected a finite share >= 0" in message
    assert refusal(lambda: QuartierModel(strategy="custom", role_mix={activity: share})) == message
    assert message in cli_refusal(
        "run", "--steps", "1", "--strategy", "custom", f"--role-mix={activity}={text(share)}"
    )
    if toml(share) is not None:
        assert message in toml_refusal(
            f'seed = 1\n[parameters]\nstrategy = "custom"\nrole_mix = {{ {activity} = '
            f"{toml(share)} }}\n"
        )
    notice = session.set_custom_share(activity, share)
    assert notice is not None and notice.data["message"] == message
    assert address_refusal(strategy="custom", role_mix=f"{activity}={text(share)}") == message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    week=st.one_of(
        st.floats(allow_nan=False, allow_infinity=True).filter(
            lambda x: not (math.isfinite(x) and x.is_integer() and x >= 1)
        ),
        st.integers(max_value=0),
    ),
    event=st.sampled_from(list(EVENTS)),
)
def test_a_bad_event_week_gets_the_same_message_at_every_door(week, event):
    """Case 7: ``events=[(1.5, ...)]`` was silently cut to week 1; a week must be a whole
    number >= 1 from Python, the command line, both ways of an experiment file and the
    browser view's address."""
    message = refusal(lambda: validate(events=[(week, event)]))
    assert refusal(lambda: QuartierModel(events=[(week, event)])) == message
    assert message in cli_refusal("run", "--steps", "1", f"--events={text(week)}:{event}")
    assert message in toml_refusal(f'seed = 1\n[parameters]\nevents = ["{text(week)}:{event}"]\n')
    if toml(week) is not None:
        table = f'[[events]]\nweek = {toml(week)}\nevent = "{event}"\n'
        assert message in toml_refusal("seed = 1\n" + table)
    assert address_refusal(events=f"{text(week)}:{event}") == message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=2**63, max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True).filter(
            lambda x: not (math.isfinite(x) and x.is_integer() and 0 <= x < 2**63)
        ),
        words,
    )
)
def test_a_bad_seed_gets_the_same_message_at_every_door(session, seed):
    """Cases 6 and 7: a seed must be a whole number in [0, 2**63) — what a result file can
    store — for ``QuartierModel(rng=...)``, ``--seed``, an experiment file and the browser."""
    message = refusal(lambda: check_seed(seed))
    assert refusal(lambda: QuartierModel(rng=seed)) == message
    assert message in cli_refusal("run", "--steps", "1", f"--seed={text(seed)}")
    literal = toml(seed)
    if literal is not None:
        assert message in toml_refusal(f"seed = {literal}\n")
    notice = session.set_seed(text(seed))
    assert notice is not None and notice.data["message"] == message
    assert address_refusal(seed=text(seed)) == message


@settings(max_examples=40, deadline=None)
@given(name=words)
def test_an_unknown_strategy_gets_the_same_message_at_every_door(session, name):
    """A strategy that is not declared is refused by name, with the strategies allowed, from
    Python, the command line, an experiment file and the browser view's address (for quarter
    A and quarter B alike)."""
    assume(name not in PARAMETERS["strategy"].choices)
    message = refusal(lambda: validate(strategy=name))
    assert refusal(lambda: QuartierModel(strategy=name)) == message
    assert message in cli_refusal("run", "--steps", "1", f"--strategy={name}")
    assert message in toml_refusal(f'seed = 1\n[parameters]\nstrategy = "{name}"\n')
    assert address_refusal(strategy=name) == message
    assert address_refusal(compare=name) == message


def test_text_is_read_alike_at_every_door():
    """The same text gives the same value from the command line's flag, the browser view's
    input and its address: numbers with spaces or a decimal comma, a role mix of weights, an
    event schedule."""
    from quartiersim.cli.parser import build_parser

    cases = {
        "segregation": " 0,25 ",
        "n_workers": "3",
        "role_mix": "door_opener=2,dialogue_manager=1",
        "events": "12:rent_increase,4:funding_cut",
    }
    for name, written in cases.items():
        value = PARAMETERS[name].from_text(written)
        args = build_parser().parse_args(["run", f"{PARAMETERS[name].cli_flag}={written}"])
        assert getattr(args, f"param_{name}") == value
        wanted, notices = scenario.from_query(urlencode({name: written}))
        assert not notices
        if name == "role_mix":
            assert PARAMETERS[name].check(wanted.role_mix) == value
        else:
            assert wanted.params[name] == value
    session = Session(seed=1, **TINY)
    assert session.set_param("segregation", " 0,25 ") is None
    assert session.params["segregation"] == 0.25


def test_numpy_integers_and_floats_are_accepted_like_python_numbers():
    """Case 7: ``width=np.int64(20)`` was refused; NumPy numbers are numbers."""
    plain = validate(
        width=20, height=20, n_residents=200, segregation=0.25, role_mix={"door_opener": 2}
    )
    numpy = validate(
        width=np.int64(20),
        n_residents=np.int64(200),
        height=np.int32(20),
        segregation=np.float64(0.25),
        role_mix={"door_opener": np.int64(2)},
    )
    assert numpy == plain
    assert type(numpy["width"]) is int and type(numpy["segregation"]) is float
    model = QuartierModel(rng=np.int64(7), n_residents=np.int64(30), width=12, height=12)
    again = QuartierModel(rng=7, n_residents=30, width=12, height=12)
    model.step()
    again.step()
    assert model.measures == again.measures


def test_the_python_api_refuses_what_the_command_line_refuses():
    """Case 7, the four values of the report: each now raises a ``ValueError`` naming it."""
    cases = [
        ({"role_mix": {"door_opener": math.inf}}, "role_mix['door_opener']=inf is not allowed"),
        ({"rng": "abc"}, "seed='abc' is not allowed"),
        ({"events": [(1.5, "rent_increase")]}, "'1.5:rent_increase' has no valid week"),
        ({"width": 20.5}, "width=20.5 is not allowed"),
    ]
    for kwargs, fragment in cases:
        assert fragment in refusal(lambda kwargs=kwargs: QuartierModel(**kwargs))


def test_a_seed_too_large_for_the_results_is_refused_before_running(tmp_path):
    """Case 6: ``quartiersim run --seed 9223372036854775808`` ran the whole simulation, then
    died storing the seed. Now it is refused at once (exit 2), and no file is written."""
    out = tmp_path / "run.parquet"
    proc = subprocess.run(
        [sys.executable, "-m", "quartiersim.cli", "run", "--seed", str(2**63), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "seed=9223372036854775808 is not allowed: expected a whole number in [0, 2**63)" in (
        proc.stderr
    )
    assert "Traceback" not in proc.stderr and not out.exists()
