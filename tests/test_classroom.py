"""Classroom mode in-process: rounds, plans, refusals, rejoining, competition copies, the gate
that keeps other machines to the students' pages, the export and the trainer's screen.

The real server, real browsers and thirty simulated students are in
``test_browser_classroom.py``.
"""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import ipyvuetify as v
import pandas as pd
import pytest
import solara
from conftest import SMALL_QUARTER

from quartiersim import ROLES
from quartiersim.app.classroom import debrief, room, student, web
from quartiersim.app.classroom.choices import Refusal, district_area, even_choice
from quartiersim.app.classroom.room import COMPETITION, EXIT, PLAYING, SHARED, Settings

PARAMS = {**SMALL_QUARTER, "project_weeks": 4}


@pytest.fixture
def open_room() -> Iterator[Any]:
    """``open_room(**settings)``: a classroom on the small quarter, closed afterwards."""
    made: list[room.Classroom] = []

    def make(**changes: Any) -> room.Classroom:
        settings = Settings(**{"params": PARAMS, "weeks_per_round": 2, **changes})
        made.append(room.open_classroom(settings))
        return made[-1]

    yield make
    for classroom in made:
        classroom.close()


def plan(role: str, budget: float, area: str | None = None) -> dict[str, Any]:
    """A plan that puts the whole week into one role."""
    return {"hours": {role: budget}, "areas": {role: area} if area else {}}


def test_a_round_closes_when_every_team_has_chosen_and_each_worker_follows_its_own_team(open_room):
    """Every student steers one worker: after the round, worker k carries team k's role mix and
    district, and the quarter has advanced by the round's weeks."""
    c = open_room()
    (ann, _), (ben, _) = c.join("Ann"), c.join("Ben")
    c.start()
    assert c.phase == PLAYING and len(c.shared.model.workers) == 2
    c.submit(ann, plan("problem_sensor", c.budget, "nw"))
    assert c.waiting_for() and c.week == 0  # Ben has not chosen: the round stays open
    c.submit(ben, plan("door_opener", c.budget))
    c.wait_idle()
    assert c.week == 2 and c.round == 2
    first, second = c.shared.model.workers
    assert first.role_mix["problem_sensor"] == pytest.approx(1.0)
    assert second.role_mix["door_opener"] == pytest.approx(1.0)
    width, height = c.size
    assert first.areas["problem_sensor"] == district_area("nw", width, height)
    spent = {r.team: r.spent for r in c.records}
    assert spent["Ann"]["problem_sensor"] > 0 and spent["Ann"]["door_opener"] == 0
    # Ben's worker spends hours only on doors (as many as there are doors to open)
    assert all(h == 0 for role, h in spent["Ben"].items() if role != "door_opener")


def test_teams_that_did_not_choose_keep_their_last_plan_when_the_trainer_closes_the_round(
    open_room,
):
    """Missing students keep their last choice: closing the round never blanks a plan."""
    c = open_room()
    (ann, _), (ben, _) = c.join("Ann"), c.join("Ben")
    c.start()
    c.submit(ann, plan("conflict_mediator", c.budget))
    c.submit(ben, plan("door_opener", c.budget))
    c.wait_idle()
    c.submit(ann, plan("problem_sensor", c.budget))
    c.close_round()
    c.wait_idle()
    last = {r.team: r for r in c.records if r.round == 2}
    assert last["Ann"].submitted and last["Ann"].hours["problem_sensor"] == c.budget
    assert not last["Ben"].submitted and last["Ben"].hours["door_opener"] == c.budget
    assert c.phase == EXIT  # four project weeks in rounds of two: the workers have left


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"hours": {"no_such_role": 39}},
        {"hours": {"problem_sensor": -1, "door_opener": 40}},
        {"hours": {"problem_sensor": "lots"}},
        {"hours": {"problem_sensor": float("nan")}},
        {"hours": {"problem_sensor": 10}},  # does not add up to the week
        {"hours": {"problem_sensor": 39}, "areas": {"problem_sensor": "moon"}},
        {"hours": {"door_opener": 39}, "areas": {"dialogue_manager": "nw"}},  # not placed
        {"hours": {"problem_sensor": 39}, "extra": 1},
    ],
)
def test_a_bad_plan_is_refused_with_a_reason_and_changes_nothing(open_room, data):
    """Inputs are validated: a bad request gets a message in the student's language and the
    team's plan stays as it was."""
    c = open_room()
    ann, _ = c.join("Ann", lang="de")
    before = c.team_of(ann).choice
    with pytest.raises(Refusal) as refused:
        c.submit(ann, data)
    assert web.refusal_text(refused.value, "de")  # a sentence, not a traceback
    assert c.team_of(ann).choice == before and c.team_of(ann).submitted_round == 0


def test_a_student_who_reloads_is_the_same_worker_and_a_removed_one_is_out(open_room):
    """The secret token brings a student back as the same participant; once the trainer
    removes them, the token opens nothing, and their team keeps its worker and plan."""
    c = open_room()
    ann, token = c.join("Ann")
    c.join("Ben")
    assert c.participant_for(token) is ann
    assert c.participant_for(token + "x") is None and c.participant_for("") is None
    c.start()
    c.remove(ann.id)
    assert c.participant_for(token) is None
    assert len(c.teams) == 2 and [t.name for t in c.active_teams()] == ["Ben"]


def test_students_with_the_same_team_name_share_one_worker_and_the_cap_fills_the_smallest_team(
    open_room,
):
    """A pair or team steers one worker; with a cap, a newcomer joins the smallest team."""
    c = open_room(max_teams=2)
    a, _ = c.join("Ann", team="Red")
    b, _ = c.join("Ben", team="red")
    d, _ = c.join("Dora")
    e, _ = c.join("Emil")
    assert a.team == b.team != d.team
    assert e.team == d.team  # the cap of two teams is reached: Dora's team was smaller
    c.start()
    assert len(c.shared.model.workers) == 2


def test_competition_copies_are_the_same_quarter_so_only_the_plans_make_the_difference(
    open_room,
):
    """Every team gets its own copy of the same quarter (same seed): equal plans give equal
    outcomes; the leaderboard ranks the copies on the headline outcomes."""
    c = open_room(mode=COMPETITION)
    members = [c.join(name)[0] for name in ("Ann", "Ben", "Cem")]
    c.start()
    plans = [
        plan("door_opener", c.budget),
        plan("door_opener", c.budget),
        plan("conflict_mediator", c.budget),
    ]
    for _ in range(2):
        for member, chosen in zip(members, plans, strict=True):
            c.submit(member, chosen)
        c.wait_idle()
    by_team = {r.team: r.measures for r in c.records if r.week_to == c.project_weeks}
    assert by_team["Ann"] == by_team["Ben"]
    assert by_team["Ann"] != by_team["Cem"]
    board = {row["team"]: row for row in c.leaderboard()}
    assert board["Ann"]["rank_social_capital"] == board["Ben"]["rank_social_capital"]
    assert {row["rank_social_capital"] for row in board.values()} <= {1, 2, 3}


def scope(path: str, client: str, server: str = "192.0.2.2", kind: str = "http") -> dict:
    return {
        "type": kind,
        "path": path,
        "method": "GET",
        "client": (client, 50000),
        "server": (server, 8765),
        "headers": [],
    }


def gate_answer(path: str, client: str, kind: str = "http") -> Any:
    """What the gate does with a request: ``"passed"`` or the status it answered with."""
    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append("passed")

    async def receive() -> dict:
        return {"type": "websocket.connect"} if kind == "websocket" else {"type": "http.request"}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            seen.append(message["status"])
        if message["type"] == "websocket.close":
            seen.append("closed")

    # a loop of its own: a browser test in the same process may have left one running here
    gate = web.ClassroomGate(app)(scope(path, client, kind=kind), receive, send)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, gate).result()
    return seen[0]


def test_other_machines_reach_only_the_students_pages_while_a_session_is_open(open_room):
    """Without the code nothing but the join page is reachable from another device: the
    trainer's screen, the view and its websocket are refused; this machine reaches all."""
    assert gate_answer("/classroom", "192.0.2.77") == "passed"  # no session: the view's guard
    open_room()
    assert gate_answer("/join", "192.0.2.77") == "passed"
    assert gate_answer("/play/socket", "192.0.2.77", "websocket") == "passed"
    assert gate_answer("/", "192.0.2.77") == 303  # on to the join page
    assert gate_answer("/classroom", "192.0.2.77") == 403
    assert gate_answer("/jupyter/api/kernels/x/channels", "192.0.2.77", "websocket") == "closed"
    assert gate_answer("/classroom", "192.0.2.2") == "passed"  # the trainer, on the LAN address


def test_a_students_page_shows_their_worker_their_week_and_the_shared_measures(open_room):
    """Students see their own worker's week (what it did) and the shared measures, in their
    language; the map is one encoding per quarter and frame, shared by every student."""
    c = open_room()
    (ann, _), (ben, _) = c.join("Ann", lang="de"), c.join("Ben")
    c.start()
    for p in (ann, ben):
        c.submit(p, plan("door_opener", c.budget))
    c.wait_idle()
    state = student.state(c, ann)
    assert state["lang"] == "de" and state["round"] == 2 and state["played"]
    assert all(h == 0 for role, h in state["spent"].items() if role != "door_opener")
    assert [m["name"] for m in state["measures"]] == list(student.SHOWN_MEASURES)
    assert student.map_json(c.shared) is student.map_json(c.shared)


def test_the_export_holds_every_teams_choices_and_outcomes_and_the_presets_on_the_same_seed(
    open_room,
):
    """The debrief compares the class with the preset strategies run on the same seed, and
    the export (CSV and Parquet) holds each team's plan and outcome per round."""
    c = open_room(after_exit_weeks=2)
    (ann, _), (ben, _) = c.join("Ann"), c.join("Ben")
    c.start()
    for _ in range(2):
        c.submit(ann, plan("problem_sensor", c.budget, "c"))
        c.submit(ben, plan("door_opener", c.budget))
        c.wait_idle()
    c.run_after_exit()
    assert c.presets.wait(300) and c.presets.error is None
    frame = pd.read_parquet(io.BytesIO(debrief.parquet_bytes(c)))
    teams = frame[frame["kind"] == "team"]
    assert set(teams["team"]) == {"Ann", "Ben"}
    assert set(teams["round"]) == {1, 2, 3}  # two rounds and the weeks after the exit
    ann_rows = teams[(teams["team"] == "Ann") & ~teams["after_exit"]]
    assert (ann_rows["hours_problem_sensor"] == c.budget).all()
    assert (ann_rows["area_problem_sensor"] == "c").all()
    presets = frame[frame["kind"] == "preset"]
    assert set(presets["team"]) == set(debrief.preset_strategies())
    csv = pd.read_csv(io.BytesIO(debrief.csv_bytes(c)))
    assert len(csv) == len(frame)
    names = {row["name"] for row in debrief.debrief_rows(c)}
    assert {"Ann", "Ben"} <= names and set(debrief.preset_strategies()) <= names


def test_the_trainers_screen_shows_a_student_as_soon_as_they_join(open_room):
    """The trainer sees every participant: a join from another thread (a student's request)
    redraws the trainer's screen without a click."""
    from quartiersim.app.classroom.trainer import ClassroomPage

    c = open_room()
    _, rc = solara.render(ClassroomPage(), handle_error=False)
    joined = threading.Thread(target=c.join, args=("Ann",))
    joined.start()
    joined.join()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not rc.find(v.Btn, children=["Remove"]).widgets:
        time.sleep(0.05)  # the screen redraws in its own thread: poll for it, bounded
    rc.find(v.Btn, children=["Remove"]).assert_single()
    rc.find(v.Btn, children=["Remove"]).widget.click()
    assert not c.participants
    rc.close()


def test_even_plan_covers_every_role_and_the_whole_week():
    """The plan a team starts with spends the week over the roles, nothing on case work."""
    choice = even_choice(39.0)
    assert set(choice.hours) == set(ROLES) and choice.total() == pytest.approx(39.0)


def test_settings_are_checked_before_a_session_opens():
    """A bad setting names what is wrong; students choose strategy and mix, not the trainer."""
    with pytest.raises(ValueError, match="weeks_per_round"):
        room.check_settings(Settings(weeks_per_round=0))
    with pytest.raises(ValueError, match="role_mix"):
        room.check_settings(Settings(params={"role_mix": None}))
    with pytest.raises(ValueError, match="mode"):
        room.check_settings(Settings(mode="solo"))
    assert room.check_settings(Settings(mode=SHARED)).mode == SHARED


def test_a_lan_address_that_cannot_be_served_is_refused_with_a_message(free_port):
    """``--lan`` names the host students reach; an address that is not this machine's, all
    addresses at once, or no address at all get a message, not a traceback."""
    from quartiersim.errors import UsageError

    with pytest.raises(UsageError, match=r"cannot listen on 198\.51\.100\.7"):
        web.check_listen_address("198.51.100.7", free_port)
    with pytest.raises(UsageError, match="name the one address"):
        web.check_listen_address("0.0.0.0", free_port)
    with pytest.raises(UsageError, match="expected an IP address"):
        web.check_listen_address("classroom.local", free_port)
    web.check_listen_address("127.0.0.1", free_port)  # this machine's address: accepted


def test_the_trainers_screen_opens_a_session_when_none_is_open():
    """The classroom switch of the browser view leads to a button that opens a session."""
    from quartiersim.app.classroom.trainer import ClassroomPage

    for old in room.open_classrooms():
        old.close()
    _, rc = solara.render(ClassroomPage(), handle_error=False)
    rc.find(v.Btn, children=["Open a classroom session"]).widget.click()
    try:
        opened = room.open_classrooms()
        assert len(opened) == 1
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not rc.find(v.Btn, children=["Start the game"]):
            time.sleep(0.05)  # bounded poll for the redraw
        rc.find(v.Btn, children=["Start the game"]).assert_single()
    finally:
        for classroom in room.open_classrooms():
            classroom.close()
        rc.close()
