"""Classroom mode: every student steers a community worker, live, from their own browser.

The trainer opens a session (``quartiersim classroom``, or the switch in the browser view); the
students open the address shown, enter the join code and a name, and each team plans its
worker's week round by round. Participatory simulation in the manner of NetLogo's HubNet.

- :mod:`~quartiersim.app.classroom.room` — a session: participants, teams, rounds, the
  quarter(s), kept in the server's memory under the join code;
- :mod:`~quartiersim.app.classroom.choices` — what a student decides and how it is checked;
- :mod:`~quartiersim.app.classroom.debrief` — plans against outcomes and the presets on the
  same seed; the export of the whole session;
- :mod:`~quartiersim.app.classroom.student` — what a student's page shows, as data;
- :mod:`~quartiersim.app.classroom.web` — the students' pages: plain HTML and JavaScript served
  by this server, JSON and a websocket; and the gate that keeps other machines to them;
- :mod:`~quartiersim.app.classroom.trainer` — the trainer's screen (Solara);
- :mod:`~quartiersim.app.classroom.texts` — the wording of both, in English and German.

Why the students' side is not a Solara page: ``docs/architecture.md`` ("Classroom mode").
"""
