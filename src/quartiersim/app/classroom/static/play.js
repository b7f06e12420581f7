// QuartierSim classroom: a student's page. Plain JavaScript, no framework, no CDN: the server
// (quartiersim.app.classroom.web) sends the state as JSON over a websocket, this file draws it
// and sends the student's plan back. Every text comes from the server, in the student's
// language (the boot block in the page, and the state).
"use strict";

(function () {
  const boot = JSON.parse(document.getElementById("qs-boot").textContent);
  const T = boot.texts;
  const app = document.getElementById("qs-app");

  let state = null; // the last full state from the server
  let version = -1; // its version: older messages are ignored
  let draft = null; // the plan being edited: {hours: {role: h}, areas: {role: key}}
  let dirty = false; // the student changed the draft since it was last sent or received
  let draftRound = -1;
  let countdown = null; // {until: ms timestamp} while the round has a timer
  let socket = null;
  let retry = 1000;
  const ui = {}; // elements that updates write into

  function fill(text, data) {
    return text.replace(/\{(\w+)(?::[^}]*)?\}/g, (m, key) => (key in data ? data[key] : m));
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function hoursText(h) {
    return (Math.round(h * 2) / 2).toString().replace(".", boot.lang === "de" ? "," : ".");
  }

  // -- the plan ------------------------------------------------------------------------------

  function total(hours) {
    return Object.values(hours).reduce((a, b) => a + b, 0);
  }

  function left() {
    return state.budget - total(draft.hours);
  }

  function setHours(role, value) {
    const others = total(draft.hours) - draft.hours[role];
    const most = state.budget - others;
    draft.hours[role] = Math.max(0, Math.min(most, Math.round(value * 2) / 2));
    dirty = true;
    showPlan();
  }

  function splitEvenly() {
    const roles = state.roles.map((r) => r.name);
    const share = Math.floor((state.budget / roles.length) * 2) / 2;
    roles.forEach((r) => (draft.hours[r] = share));
    draft.hours[roles[0]] += state.budget - share * roles.length;
    dirty = true;
    showPlan();
  }

  async function submit() {
    ui.message.textContent = "";
    ui.submit.disabled = true;
    try {
      const response = await fetch("/play/choice", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(draft),
        credentials: "same-origin",
      });
      const answer = await response.json();
      if (response.status === 401) {
        location.href = "/join?gone=1";
        return;
      }
      if (!answer.ok) {
        ui.message.textContent = answer.message;
        ui.message.className = "qs-message qs-error";
      } else {
        dirty = false;
        ui.message.textContent = T.saved;
        ui.message.className = "qs-message qs-ok";
      }
    } catch (e) {
      ui.message.textContent = T.connection_lost;
      ui.message.className = "qs-message qs-error";
    } finally {
      showPlan();
    }
  }

  function buildPlan() {
    ui.rows = {};
    const rows = state.roles.map((role) => {
      const value = el("span", { class: "qs-hours" });
      const slider = el("input", {
        type: "range",
        min: "0",
        max: String(state.budget),
        step: "0.5",
        class: "qs-slider qs-slider-" + role.name,
        "aria-label": role.label,
        oninput: (e) => setHours(role.name, parseFloat(e.target.value)),
      });
      const minus = el(
        "button",
        { type: "button", class: "qs-step qs-minus-" + role.name, "aria-label": "−1 " + T.hours_unit,
          onclick: () => setHours(role.name, draft.hours[role.name] - 1) },
        "−"
      );
      const plus = el(
        "button",
        { type: "button", class: "qs-step qs-plus-" + role.name, "aria-label": "+1 " + T.hours_unit,
          onclick: () => setHours(role.name, draft.hours[role.name] + 1) },
        "+"
      );
      let where = null;
      if (role.placed) {
        where = el(
          "select",
          { class: "qs-where qs-where-" + role.name, "aria-label": T.where + ": " + role.label,
            onchange: (e) => {
              if (e.target.value === "all") delete draft.areas[role.name];
              else draft.areas[role.name] = e.target.value;
              dirty = true;
              showPlan();
            } },
          state.districts.map((d) => el("option", { value: d.key }, d.label))
        );
      }
      ui.rows[role.name] = { value, slider, minus, plus, where };
      return el(
        "div",
        { class: "qs-role qs-role-" + role.name },
        el(
          "div",
          { class: "qs-role-head" },
          el("span", { class: "qs-dot", "data-colour": role.colour }),
          el("details", { class: "qs-explain" }, el("summary", {}, role.label), el("p", {}, role.explanation))
        ),
        el("div", { class: "qs-role-controls" }, minus, value, plus, slider),
        where ? el("label", { class: "qs-where-label" }, T.where + " ", where) : null
      );
    });
    ui.left = el("p", { class: "qs-left" });
    ui.submit = el("button", { type: "button", class: "qs-submit", onclick: submit }, T.submit);
    ui.chosen = el("p", { class: "qs-chosen" });
    ui.message = el("p", { class: "qs-message", role: "alert" });
    const card = el(
      "section",
      { class: "qs-card qs-plan" },
      el("h2", {}, T.plan),
      el("p", { class: "qs-hint" }, fill(T.plan_hint, { budget: hoursText(state.budget) })),
      rows,
      ui.left,
      el("div", { class: "qs-buttons" },
        el("button", { type: "button", class: "qs-even", onclick: splitEvenly }, T.even), ui.submit),
      ui.message,
      ui.chosen
    );
    for (const dot of card.querySelectorAll(".qs-dot")) dot.style.background = dot.dataset.colour;
    return card;
  }

  function showPlan() {
    if (!ui.rows) return;
    const rest = left();
    for (const role of state.roles) {
      const row = ui.rows[role.name];
      const h = draft.hours[role.name] || 0;
      row.value.textContent = hoursText(h) + " " + T.hours_unit;
      row.slider.value = String(h);
      row.minus.disabled = !state.open || h <= 0;
      row.plus.disabled = !state.open || rest <= 0;
      row.slider.disabled = !state.open;
      if (row.where) {
        row.where.value = draft.areas[role.name] || "all";
        row.where.disabled = !state.open;
      }
    }
    ui.left.textContent = fill(T.hours_left, { hours: hoursText(rest) });
    ui.left.classList.toggle("qs-warn", Math.abs(rest) > 0.25);
    ui.submit.disabled = !state.open || Math.abs(rest) > 0.25;
    if (!state.open) ui.chosen.textContent = "";
    else if (state.chosen && !dirty)
      ui.chosen.textContent =
        state.chosen_by && state.chosen_by !== state.name
          ? fill(T.submitted_by, { name: state.chosen_by })
          : fill(T.submitted_yours, { round: state.round });
    else ui.chosen.textContent = T.not_submitted;
    ui.chosen.classList.toggle("qs-ok", state.chosen && !dirty);
    drawMap();
  }

  // -- the quarter ---------------------------------------------------------------------------

  const HELPLESS = ["#1a9850", "#66bd63", "#a6d96a", "#d9ef8b", "#ffffbf", "#fee08b", "#fdae61", "#f46d43", "#d73027", "#a50026"];
  const CELL = ["#ffffff", "#efe4cc", "#e6d6b5", "#cde8c3"];
  const PROBLEM = [["#666666", null], ["#8b0000", "rgba(227,52,47,0.6)"], ["#1c5b34", "rgba(56,161,105,0.55)"]];

  function drawMap() {
    const map = state && state.map;
    const canvas = ui.canvas;
    if (!map || !canvas) return;
    const width = Math.min(canvas.parentElement.clientWidth || 320, 480);
    const scale = width / map.width;
    const height = scale * map.height;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
    const g = canvas.getContext("2d");
    g.setTransform(ratio * scale, 0, 0, ratio * scale, 0, 0);
    const Y = (y) => map.height - 1 - y; // north is up
    for (let x = 0; x < map.width; x++) {
      for (let y = 0; y < map.height; y++) {
        g.fillStyle = CELL[+map.cells[x * map.height + y]];
        g.fillRect(x, Y(y), 1, 1);
      }
    }
    // the districts the plan sends roles to, in the role's colour
    for (const role of state.roles) {
      const key = draft && draft.areas[role.name];
      const district = key && state.districts.find((d) => d.key === key);
      if (!district || !district.box) continue;
      const [x0, y0, x1, y1] = district.box;
      g.fillStyle = role.colour + "33";
      g.fillRect(x0, map.height - y1, x1 - x0, y1 - y0);
      g.strokeStyle = role.colour;
      g.lineWidth = 0.35;
      g.strokeRect(x0, map.height - y1, x1 - x0, y1 - y0);
    }
    g.strokeStyle = "rgba(0,0,0,0.35)";
    g.lineWidth = 0.12;
    g.setLineDash([0.6, 0.4]);
    for (const k of [1, 2]) {
      g.beginPath();
      g.moveTo(Math.round((map.width * k) / 3), 0);
      g.lineTo(Math.round((map.width * k) / 3), map.height);
      g.moveTo(0, map.height - Math.round((map.height * k) / 3));
      g.lineTo(map.width, map.height - Math.round((map.height * k) / 3));
      g.stroke();
    }
    g.setLineDash([]);
    const n = map.helpless.length;
    for (let i = 0; i < n; i++) {
      const jx = ((i * 0.618034) % 1) * 0.6 + 0.2;
      const jy = ((i * 0.754878) % 1) * 0.6 + 0.2;
      g.fillStyle = HELPLESS[+map.helpless[i]];
      g.beginPath();
      g.arc(map.homes[2 * i] + jx, Y(map.homes[2 * i + 1]) + jy, 0.28, 0, 2 * Math.PI);
      g.fill();
    }
    for (const [x, y, status] of map.problems) {
      const [line, fillColour] = PROBLEM[status];
      g.beginPath();
      g.arc(x + 0.5, Y(y) + 0.5, 0.8, 0, 2 * Math.PI);
      if (fillColour) {
        g.fillStyle = fillColour;
        g.fill();
      }
      g.strokeStyle = line;
      g.lineWidth = 0.18;
      g.stroke();
    }
    map.workers.forEach(([x, y, colour], k) => {
      const mine = (state.my_workers || []).includes(k) || state.mode === "competition";
      g.fillStyle = colour;
      g.fillRect(x - 0.2, Y(y) - 0.2, 1.4, 1.4);
      g.strokeStyle = "#000000";
      g.lineWidth = mine ? 0.45 : 0.12;
      g.strokeRect(x - 0.2, Y(y) - 0.2, 1.4, 1.4);
    });
  }

  // -- the page ------------------------------------------------------------------------------

  function setLanguage(lang) {
    fetch("/play/lang", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ lang }),
      credentials: "same-origin",
    }).then(() => location.reload());
  }

  function build() {
    app.replaceChildren();
    ui.rows = null;
    const langs = el(
      "div",
      { class: "qs-langs" },
      ["en", "de"].map((code) =>
        el("button", { type: "button", class: "qs-lang-" + code + (code === boot.lang ? " qs-active" : ""),
          onclick: () => setLanguage(code) }, code.toUpperCase())
      )
    );
    ui.who = el("div", { class: "qs-who" });
    ui.role = el("p", { class: "qs-role-line" });
    ui.status = el("p", { class: "qs-status" });
    ui.progress = el("p", { class: "qs-progress" });
    ui.timer = el("p", { class: "qs-timer" });
    ui.offline = el("p", { class: "qs-offline", hidden: true }, T.connection_lost);
    ui.week = el("section", { class: "qs-card qs-week" });
    ui.measures = el("div", { class: "qs-measures" });
    ui.rank = el("p", { class: "qs-rank" });
    ui.canvas = el("canvas", { class: "qs-map", role: "img", "aria-label": T.map_hint });
    app.append(
      el("header", { class: "qs-header" }, ui.who, langs),
      ui.offline,
      el("section", { class: "qs-card qs-state" }, ui.role, ui.status, ui.progress, ui.timer),
      buildPlan(),
      ui.week,
      el("section", { class: "qs-card qs-quarter" }, el("h2", {}, T.quarter), ui.measures, ui.rank,
        el("div", { class: "qs-map-box" }, ui.canvas), el("p", { class: "qs-hint" }, T.map_hint))
    );
  }

  function showProgress(p) {
    ui.progress.textContent = state && state.phase === "playing" || state && state.phase === "lobby"
      ? fill(T.submitted_count, { count: p.submitted, of: p.of }) : "";
    countdown = p.seconds_left === null || p.seconds_left === undefined ? null
      : { until: Date.now() + p.seconds_left * 1000 };
    tick();
  }

  function tick() {
    if (!ui.timer) return;
    ui.timer.textContent = countdown && state && state.phase === "playing"
      ? fill(T.seconds_left, { seconds: Math.max(0, Math.round((countdown.until - Date.now()) / 1000)) }) : "";
  }

  function showWeek() {
    ui.week.replaceChildren(el("h2", {}, T.your_week));
    if (!state.played) {
      ui.week.append(el("p", { class: "qs-hint" }, T.nothing_yet));
      return;
    }
    const spent = state.roles
      .filter((r) => state.spent[r.name] > 0)
      .map((r) => r.label + " " + hoursText(state.spent[r.name]) + " " + T.hours_unit);
    ui.week.append(el("p", { class: "qs-spent" }, fill(T.hours_spent, { hours: spent.join(", ") || "0" })));
    if (!state.lines.length) ui.week.append(el("p", { class: "qs-hint" }, T.no_entries));
    else ui.week.append(el("ul", { class: "qs-lines" }, state.lines.slice().reverse().map((l) => el("li", {}, l))));
  }

  function showMeasures() {
    ui.measures.replaceChildren(
      ...state.measures.map((m) => {
        let change = "";
        if (m.change !== null && m.change !== 0) change = (m.change > 0 ? " ▲" : " ▼");
        return el("div", { class: "qs-tile qs-tile-" + m.name },
          el("div", { class: "qs-tile-label" }, m.label),
          el("div", { class: "qs-tile-value" }, m.value, el("span", { class: "qs-change" }, change)));
      })
    );
    ui.rank.textContent = state.rank
      ? fill(T.rank, { sc: state.rank.social_capital, pi: state.rank.political_influence, n: state.rank.of }) : "";
  }

  function show(next) {
    const newRound = !state || next.round !== state.round || next.phase !== state.phase;
    const teamChose = state && next.chosen && next.chosen_by !== state.chosen_by;
    state = next;
    if (!ui.rows) build();
    if (newRound) ui.message.textContent = ""; // "Saved." was about the last round
    if (!dirty || newRound || teamChose || draftRound !== state.round) {
      draft = { hours: { ...state.choice.hours }, areas: { ...state.choice.areas } };
      for (const role of state.roles) if (!(role.name in draft.hours)) draft.hours[role.name] = 0;
      dirty = false;
      draftRound = state.round;
    }
    ui.who.textContent = fill(T.you_are, { name: state.name, team: state.team });
    ui.role.textContent = state.role_line;
    ui.status.textContent = state.status;
    document.body.dataset.phase = state.phase;
    document.body.dataset.round = String(state.round);
    document.body.dataset.week = String(state.week);
    showProgress(state);
    showWeek();
    showMeasures();
    showPlan();
  }

  function received(event) {
    const message = JSON.parse(event.data);
    if (message.type === "removed" || message.type === "closed") {
      if (socket) socket.onclose = null;
      app.replaceChildren(el("section", { class: "qs-card qs-gone" },
        el("p", {}, message.type === "closed" ? T.closed : T.removed),
        el("a", { href: "/join" }, T.join)));
      document.body.dataset.phase = message.type;
      return;
    }
    if (message.version !== undefined && message.version < version) return;
    if (message.version !== undefined) version = message.version;
    if (message.type === "state") show(message);
    else if (message.type === "progress" && state) {
      if (message.round !== state.round) return; // a new state is on its way
      showProgress(message);
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/play/socket");
    socket.onopen = () => {
      retry = 1000;
      ui.offline && (ui.offline.hidden = true);
      document.body.dataset.connected = "yes";
    };
    socket.onmessage = received;
    socket.onclose = async () => {
      document.body.dataset.connected = "no";
      if (ui.offline) ui.offline.hidden = false;
      try {
        const answer = await fetch("/play/state", { credentials: "same-origin" });
        if (answer.status === 401) {
          location.href = "/join?gone=1";
          return;
        }
      } catch (e) {
        /* the server is unreachable: try again below */
      }
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }

  setInterval(tick, 1000);
  window.addEventListener("resize", drawMap);
  connect();
})();
