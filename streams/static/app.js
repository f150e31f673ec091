// callstream live supervisor page. No framework, no build step, nothing fetched from outside.
// Every value from the server is user content (transcripts, names, CRM fields): it only ever
// reaches the page through text nodes and setAttribute on non-URL attributes, never innerHTML.
"use strict";

(() => {
  const $ = (selector, root = document) => root.querySelector(selector);
  const MAX_ROWS = 200;
  const FRESH_MS = 15000;
  const DROP_REASONS = {
    empty: "no words",
    no_vad: "no voice activity under it (VAD)",
    no_speech: "Whisper heard no speech",
    filler: "filler only",
    short: "too short to matter",
    past_end: "timestamps past the end of the audio",
    repetition_collapsed: "repeated hallucination",
  };
  const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 };

  const state = {
    calls: new Map(), // key(tenant, call_id) -> call row
    alerts: new Map(), // alert_id -> alert row
    source: null,
    retry: null,
    filters: { tenant: "", queue: "", agent: "" },
    // agents: key(tenant, agent_id) -> {tenant, id, name}: one agent id in two tenants is two people
    choices: { tenants: new Set(), queues: new Set(), agents: new Map() },
    // The alert list shows warning and above unless asked: never-sent info alerts would push a
    // critical one off the page's 50 latest.
    showInfo: false,
    detail: null, // {tenant, callId}
    renderQueued: false,
  };

  // --- DOM helpers ----------------------------------------------------------------------------
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "dataset") Object.assign(node.dataset, value);
      else if (name === "on") for (const [event, fn] of Object.entries(value)) node.addEventListener(event, fn);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    return fill(node, children, false);
  }

  // Sets (or appends) children: nested arrays flatten, null/undefined/false are skipped, anything
  // else that is not a node becomes a text node.
  function fill(node, children, replace = true) {
    const nodes = [];
    for (const child of [children].flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      nodes.push(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    if (replace) node.replaceChildren(...nodes);
    else node.append(...nodes);
    return node;
  }

  const key = (tenant, callId) => `${tenant}\u0000${callId}`;
  const isFresh = (row) => row.arrivedMs && Date.now() - row.arrivedMs < FRESH_MS;

  function fmtTime(iso) {
    if (!iso) return "";
    const date = new Date(iso);
    return isNaN(date) ? iso : date.toLocaleString([], { dateStyle: "short", timeStyle: "medium" });
  }
  // Lists show today's times only; older ones with their date.
  function fmtWhen(iso) {
    const date = new Date(iso || "");
    if (isNaN(date)) return iso || "";
    const today = date.toDateString() === new Date().toDateString();
    return today ? date.toLocaleTimeString([], { timeStyle: "medium" }) : fmtTime(iso);
  }
  function fmtClock(seconds) {
    if (seconds === null || seconds === undefined) return "";
    const m = Math.floor(seconds / 60);
    const s = seconds - m * 60;
    return `${m}:${s.toFixed(1).padStart(4, "0")}`;
  }
  function fmtDuration(seconds) {
    if (seconds === null || seconds === undefined) return "n/a";
    const m = Math.floor(seconds / 60);
    return `${m}:${String(Math.round(seconds - m * 60)).padStart(2, "0")}`;
  }
  function fmtNum(value, digits = 1) {
    if (value === null || value === undefined) return "n/a";
    return Number.isInteger(value) ? String(value) : value.toFixed(digits);
  }
  const fmtShare = (value) => (value === null || value === undefined ? "n/a" : `${Math.round(value * 100)}%`);

  function severityBadge(severity, text) {
    return el("span", { class: `badge sev-${SEVERITY_RANK[severity] === undefined ? "other" : severity}` }, text);
  }

  // Whether anyone was paged: a cool-down kept it quiet, or every channel (or some) gave up on it.
  function notifiedBadge(a) {
    if (a.delivery_failed)
      return el("span", { class: "delivery-failed", title: a.delivery_failed }, "delivery failed");
    if (a.suppressed)
      return el("span", { class: "suppressed", title: "Raised within the rule's cool-down: stored, not notified" }, "not notified (cool-down)");
    return null;
  }

  // --- filters and URL ------------------------------------------------------------------------
  function readUrl() {
    const params = new URLSearchParams(location.search);
    for (const name of Object.keys(state.filters)) state.filters[name] = params.get(name) || "";
    const hash = new URLSearchParams(location.hash.slice(1));
    if (hash.get("call")) state.detail = { tenant: hash.get("tenant") || "", callId: hash.get("call") };
  }
  function filterQuery(extra) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(state.filters)) if (value) params.set(name, value);
    for (const [name, value] of Object.entries(extra || {})) params.set(name, value);
    return params.toString();
  }
  function writeUrl() {
    const query = filterQuery();
    const hash = state.detail
      ? `#${new URLSearchParams({ call: state.detail.callId, tenant: state.detail.tenant })}`
      : "";
    history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}${hash}`);
  }

  function remember(row) {
    if (row.tenant) state.choices.tenants.add(row.tenant);
    if (row.queue) state.choices.queues.add(row.queue);
    const k = key(row.tenant, row.agent_id);
    if (row.agent_id && (row.agent_name || !state.choices.agents.has(k)))
      state.choices.agents.set(k, { tenant: row.tenant, id: row.agent_id, name: row.agent_name || "" });
  }
  function fillSelect(select, options, selected) {
    const current = [...select.options].map((o) => `${o.value}\u0000${o.textContent}`).join("\u0001");
    const wanted = [["", "all"], ...options];
    if (selected && !options.some(([value]) => value === selected)) wanted.push([selected, selected]);
    if (current !== wanted.map(([v, t]) => `${v}\u0000${t}`).join("\u0001")) {
      select.replaceChildren(...wanted.map(([value, text]) => el("option", { value }, text)));
    }
    select.value = selected;
  }
  function renderFilters() {
    const sorted = (set) => [...set].sort().map((v) => [v, v]);
    fillSelect($("#f-tenant"), sorted(state.choices.tenants), state.filters.tenant);
    fillSelect($("#f-queue"), sorted(state.choices.queues), state.filters.queue);
    // Several tenants visible: an option is one tenant's agent (picking it sets the tenant too).
    const several = state.choices.tenants.size > 1;
    const agents = [...state.choices.agents.values()]
      .filter((a) => !state.filters.tenant || a.tenant === state.filters.tenant)
      .map((a) => {
        const label = a.name ? `${a.name} (${a.id})` : a.id;
        return [several ? JSON.stringify([a.tenant, a.id]) : a.id, several ? `${label} · ${a.tenant}` : label];
      })
      .sort((a, b) => a[1].localeCompare(b[1]));
    const { tenant, agent } = state.filters;
    const selected = agent && several && tenant ? JSON.stringify([tenant, agent]) : agent;
    fillSelect($("#f-agent"), agents, selected);
  }
  function onFilterChange() {
    state.filters.tenant = $("#f-tenant").value;
    state.filters.queue = $("#f-queue").value;
    state.filters.agent = $("#f-agent").value;
    if (state.filters.agent.startsWith("[")) {
      const [tenant, agent] = JSON.parse(state.filters.agent);
      // another tenant picked than the agent's: the agent no longer applies
      if (state.filters.tenant && state.filters.tenant !== tenant) state.filters.agent = "";
      else Object.assign(state.filters, { tenant, agent });
    }
    state.calls.clear();
    state.alerts.clear();
    writeUrl();
    scheduleRender();
    connect();
  }

  // --- data -----------------------------------------------------------------------------------
  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      let body = null;
      try {
        body = await response.json();
        message = body.error || message;
      } catch (_) {
        /* not JSON */
      }
      const error = new Error(message);
      error.status = response.status;
      error.body = body;
      throw error;
    }
    return response.json();
  }

  function addCall(row, live) {
    const k = key(row.tenant, row.call_id);
    const old = state.calls.get(k);
    const alerts = new Map();
    for (const a of [...(old ? old.alerts : []), ...(row.alerts || [])]) alerts.set(a.alert_id, a);
    for (const a of state.alerts.values())
      if (a.call_id === row.call_id && a.tenant === row.tenant) alerts.set(a.alert_id, a);
    const merged = { ...row, alerts: [...alerts.values()] };
    merged.via = live || (old && old.via === "stream") ? "stream" : "list";
    merged.arrivedMs = live ? Date.now() : old ? old.arrivedMs : null;
    state.calls.set(k, merged);
    remember(row);
    scheduleRender();
  }

  function addAlert(row, live) {
    const old = state.alerts.get(row.alert_id);
    const merged = { ...row, via: live || (old && old.via === "stream") ? "stream" : "list" };
    merged.arrivedMs = live ? Date.now() : old ? old.arrivedMs : null;
    state.alerts.set(row.alert_id, merged);
    const call = state.calls.get(key(row.tenant, row.call_id));
    if (call && !call.alerts.some((a) => a.alert_id === row.alert_id))
      call.alerts.push({ alert_id: row.alert_id, rule: row.rule, severity: row.severity });
    // two tenants may use the same call id: only the open call's own tenant refreshes it
    if (live && isOpen(row.tenant, row.call_id)) openDetail(row.tenant, row.call_id, false);
    scheduleRender();
  }

  async function reload() {
    try {
      const [calls, alerts, choices] = await Promise.all([
        getJson(`/api/calls?${filterQuery({ limit: 100 })}`),
        getJson(`/api/alerts?${filterQuery(state.showInfo ? { limit: 50 } : { limit: 50, min_severity: "warning" })}`),
        getJson("/api/filters"),
      ]);
      choices.tenants.forEach((t) => state.choices.tenants.add(t));
      choices.queues.forEach((q) => state.choices.queues.add(q));
      choices.agents.forEach((a) => remember(a));
      alerts.alerts.forEach((a) => addAlert(a, false));
      calls.calls.forEach((c) => addCall(c, false));
      setError(null);
    } catch (error) {
      setError(`Could not load calls: ${error.message}`);
    }
    renderFilters();
  }

  // --- live stream ----------------------------------------------------------------------------
  function setStatus(status) {
    const node = $("#status");
    node.dataset.state = status;
    node.textContent = { live: "● live", connecting: "connecting…", reconnecting: "reconnecting…", offline: "offline" }[status];
  }
  function setError(message) {
    let node = $("#error");
    if (!message) {
      if (node) node.remove();
      return;
    }
    if (!node) {
      node = el("p", { id: "error", role: "alert" });
      $("#lists").prepend(node);
    }
    node.textContent = message;
  }

  function connect() {
    if (state.source) state.source.close();
    clearTimeout(state.retry);
    setStatus("connecting");
    const source = new EventSource(`/api/stream?${filterQuery()}`);
    state.source = source;
    // "ready" is sent once the server registered this page, so the list load that follows plus
    // the events after it miss nothing (duplicates merge by id).
    source.addEventListener("ready", () => {
      setStatus("live");
      reload();
    });
    source.addEventListener("call", (event) => addCall(JSON.parse(event.data), true));
    source.addEventListener("alert", (event) => addAlert(JSON.parse(event.data), true));
    source.onerror = () => {
      if (source !== state.source) return;
      if (source.readyState === EventSource.CLOSED) {
        setStatus("offline");
        state.retry = setTimeout(connect, 3000);
      } else {
        setStatus("reconnecting");
      }
    };
  }

  // --- lists ------------------------------------------------------------------------------------
  // Coalesces bursts of events into one render. A timer, not requestAnimationFrame: frames stop
  // in background tabs, and a supervisor's page is often one.
  function scheduleRender() {
    if (state.renderQueued) return;
    state.renderQueued = true;
    setTimeout(() => {
      state.renderQueued = false;
      renderAlerts();
      renderCalls();
    }, 50);
  }

  function renderAlerts() {
    const all = [...state.alerts.values()];
    const alerts = all
      .filter((a) => state.showInfo || a.severity !== "info")
      .sort((a, b) => (b.created_at || "").localeCompare(a.created_at || ""))
      .slice(0, MAX_ROWS);
    $("#alert-count").textContent = alerts.length ? String(alerts.length) : "";
    $("#show-info").checked = state.showInfo;
    const items = alerts.map((a) =>
      el(
        "li",
        {
          class: `alert${isFresh(a) ? " fresh" : ""}`,
          dataset: { alertId: a.alert_id, callId: a.call_id, tenant: a.tenant, via: a.via },
          tabindex: 0,
          on: { click: () => openDetail(a.tenant, a.call_id), keydown: (e) => e.key === "Enter" && openDetail(a.tenant, a.call_id) },
        },
        severityBadge(a.severity, a.severity),
        el("strong", {}, a.rule),
        el("span", { class: "message" }, a.message),
        notifiedBadge(a),
        el("span", { class: "muted" }, `${a.agent_name || a.agent_id || "unknown agent"} · ${a.queue || "no queue"} · ${fmtWhen(a.created_at)}`),
      ),
    );
    $("#alerts").replaceChildren(...(items.length ? items : [el("li", { class: "empty" }, "No alerts yet.")]));
  }

  function scoreCell(call) {
    if (call.fatal_failed) return el("td", { class: "score fatal", title: "a fatal criterion failed" }, "0 fatal");
    if (call.total === null || call.total === undefined) return el("td", { class: "score muted" }, "—");
    const cls = call.total < 50 ? "low" : call.total < 75 ? "mid" : "high";
    return el("td", { class: `score ${cls}` }, fmtNum(call.total, 0));
  }

  // calls.warnings: an event that disagrees with its recording, then the scorer's doubts
  const warnings = (call) => (Array.isArray(call.warnings) ? call.warnings : []);

  function renderCalls() {
    const calls = [...state.calls.values()]
      .sort((a, b) => (b.scored_at || "").localeCompare(a.scored_at || "") || a.call_id.localeCompare(b.call_id))
      .slice(0, MAX_ROWS);
    $("#call-count").textContent = calls.length ? String(calls.length) : "";
    const selected = state.detail ? key(state.detail.tenant, state.detail.callId) : null;
    const rows = calls.map((c) => {
      const alerts = [...c.alerts].sort((a, b) => (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9));
      return el(
        "tr",
        {
          class: [isFresh(c) ? "fresh" : "", key(c.tenant, c.call_id) === selected ? "selected" : ""].join(" ").trim(),
          dataset: { callId: c.call_id, tenant: c.tenant, via: c.via, arrivedMs: c.arrivedMs || "" },
          tabindex: 0,
          on: { click: () => openDetail(c.tenant, c.call_id), keydown: (e) => e.key === "Enter" && openDetail(c.tenant, c.call_id) },
        },
        el("td", { class: "muted", title: fmtTime(c.scored_at) }, fmtWhen(c.scored_at)),
        el("td", {}, el("span", { class: "call-id" }, c.call_id), el("span", { class: "muted small" }, ` ${c.tenant}`)),
        el("td", { title: c.agent_id }, c.agent_name || c.agent_id),
        el("td", {}, c.queue || ""),
        el("td", {}, fmtDuration(c.duration_s)),
        scoreCell(c),
        el(
          "td",
          {},
          alerts.map((a) => severityBadge(a.severity, a.rule)),
          warnings(c).length
            ? el("span", { class: "call-warnings", title: warnings(c).join("\n") }, `⚠ ${warnings(c).length}`)
            : null,
        ),
      );
    });
    $("#calls tbody").replaceChildren(
      ...(rows.length ? rows : [el("tr", { class: "empty" }, el("td", { colspan: 7 }, "Waiting for scored calls…"))]),
    );
  }

  // --- drill-down -------------------------------------------------------------------------------
  const isOpen = (tenant, callId) => !!state.detail && state.detail.tenant === tenant && state.detail.callId === callId;

  async function openDetail(tenant, callId, scroll = true) {
    state.detail = { tenant, callId };
    writeUrl();
    scheduleRender();
    const panel = $("#detail");
    panel.dataset.state = "loading";
    try {
      const data = await getJson(`/api/calls/${encodeURIComponent(callId)}?${new URLSearchParams({ tenant })}`);
      if (!isOpen(tenant, callId)) return; // another call was picked meanwhile
      if (!tenant) {
        state.detail = { tenant: data.call.tenant, callId }; // a #call= link without its tenant
        writeUrl();
      }
      renderDetail(data);
      if (scroll) panel.scrollIntoView({ block: "start" });
    } catch (error) {
      // a #call= link without its tenant, and several tenants have that id: offer each
      const tenants = error.status === 409 && error.body && Array.isArray(error.body.tenants) ? error.body.tenants : [];
      panel.replaceChildren(
        el("p", { class: "error", role: "alert" }, `Could not load ${callId}: ${error.message}`),
        tenants.length
          ? el("p", { id: "pick-tenant" }, "Open it in: ", tenants.map((t) => el("button", { type: "button", on: { click: () => openDetail(t, callId) } }, t)))
          : null,
      );
      panel.dataset.state = "error";
    }
  }

  function closeDetail() {
    state.detail = null;
    writeUrl();
    const panel = $("#detail");
    panel.dataset.state = "empty";
    delete panel.dataset.callId;
    panel.replaceChildren(el("p", { class: "empty" }, "Pick a call to see its dialogue, what the filter dropped, scores and rule hits."));
    scheduleRender();
  }

  function definitionList(id, pairs) {
    return el(
      "dl",
      { id, class: "facts" },
      pairs.filter(([, value]) => value !== null && value !== undefined && value !== "").map(([term, value]) => [el("dt", {}, term), el("dd", {}, value)]),
    );
  }

  function chips(map, empty) {
    const entries = Object.entries(map || {}).sort((a, b) => b[1] - a[1]);
    if (!entries.length) return el("span", { class: "muted" }, empty);
    return el("span", { class: "chips" }, entries.map(([name, count]) => el("span", { class: "chip" }, `${name} × ${count}`)));
  }

  function audioBlock(audio) {
    if (audio && audio.url && (audio.url.startsWith("/api/audio/") || /^https?:\/\//i.test(audio.url))) {
      const player = el("audio", { id: "player", controls: true, preload: "metadata" });
      player.src = audio.url;
      return el("div", { id: "audio" }, player);
    }
    return el("div", { id: "audio" }, el("p", { class: "muted" }, `Recording not reachable: ${(audio && audio.reason) || "unknown"}.`));
  }

  function dialogueBlock(segments) {
    const dropped = segments.filter((s) => !s.kept).length;
    const toggle = el("input", { type: "checkbox", id: "show-dropped", checked: true });
    const list = el(
      "div",
      { id: "dialogue", class: "show-dropped" },
      segments.map((s) =>
        el(
          "div",
          { class: `seg role-${s.role}${s.kept ? "" : " dropped"}`, dataset: { idx: s.idx, role: s.role, kept: s.kept ? "1" : "0" } },
          el(
            "button",
            { type: "button", class: "ts", title: "play from here", on: { click: () => seek(s.start) } },
            `${fmtClock(s.start)}–${fmtClock(s.end)}`,
          ),
          el("span", { class: "role" }, s.role),
          el("span", { class: "text" }, s.text),
          s.kept ? null : el("span", { class: "reason", title: DROP_REASONS[s.drop_reason] || "" }, `dropped: ${s.drop_reason || "?"}`),
        ),
      ),
    );
    toggle.addEventListener("change", () => list.classList.toggle("show-dropped", toggle.checked));
    return [
      el("h3", {}, "Dialogue"),
      el("label", { class: "toggle" }, toggle, ` show dropped segments (${dropped})`),
      segments.length ? list : el("p", { class: "muted" }, "No speech segments."),
    ];
  }

  function seek(seconds) {
    const player = $("#player");
    if (!player) return;
    player.currentTime = seconds;
    player.play().catch(() => {});
  }

  function droppedBlock(call, segments) {
    const dropped = call.dropped || {};
    const total = Object.values(dropped).reduce((a, b) => a + b, 0);
    return [
      el("h3", {}, "What the filter dropped"),
      el(
        "p",
        {},
        `Kept ${call.segments_kept} of ${call.segments_total} segments`,
        total ? `; ${total} dropped (the ASR guards' drops are counted but have no text).` : "; nothing dropped.",
      ),
      el(
        "ul",
        { id: "dropped-reasons" },
        Object.entries(dropped)
          .sort((a, b) => b[1] - a[1])
          .map(([reason, count]) =>
            el("li", { dataset: { reason } }, el("strong", {}, reason), ` × ${count}`, DROP_REASONS[reason] ? el("span", { class: "muted" }, ` — ${DROP_REASONS[reason]}`) : null),
          ),
      ),
    ];
  }

  function resultText(c) {
    if (c.status !== "scored") return c.status;
    if (c.kind === "yes_no") return c.label || (c.value ? "yes" : "no");
    if (c.kind === "category") return c.label || fmtNum(c.value);
    return c.label ? `${fmtNum(c.value, 0)} (${c.label})` : fmtNum(c.value, 0);
  }

  function criteriaBlock(criteria) {
    return [
      el("h3", {}, "Scores"),
      el(
        "table",
        { id: "criteria" },
        el("thead", {}, el("tr", {}, ["Criterion", "Type", "By", "Result", "Reasoning"].map((h) => el("th", {}, h)))),
        el(
          "tbody",
          {},
          criteria.map((c) =>
            el(
              "tr",
              { dataset: { criterion: c.criterion_id, status: c.status } },
              el("td", {}, el("strong", {}, c.title), el("div", { class: "muted small" }, c.criterion_id)),
              el("td", {}, c.kind),
              el("td", {}, c.source),
              el("td", { class: `result status-${c.status}` }, resultText(c)),
              el("td", { class: "reasoning" }, c.reasoning || (c.status === "scored" ? "" : "not scored")),
            ),
          ),
        ),
      ),
    ];
  }

  function rulesBlock(call) {
    return [
      el("h3", {}, "Rule hits"),
      definitionList("rules", [
        ["Keyword hits", chips(call.keyword_hits, "none")],
        ["Price mentions", String(call.price_mentions)],
        ["Words", String(call.words)],
        ["Agent talk ratio", fmtShare(call.agent_talk_ratio)],
        ["Language", `${call.text_language || call.language}${call.code_switching ? ` (code switching ${fmtShare(call.code_switching)})` : ""}`],
        ["Silence", `${fmtShare(call.silence_share)} (longest ${fmtNum(call.longest_silence_s)} s)`],
        ["Interruptions", call.interruptions === null ? "n/a" : String(call.interruptions)],
        ["Overtalk", call.overtalk_count === null ? "n/a" : `${call.overtalk_count} × (${fmtNum(call.overtalk_s)} s)`],
        ["Talk time", `agent ${fmtNum(call.agent_talk_s)} s · customer ${fmtNum(call.customer_talk_s)} s`],
        ["Speech rate", `agent ${fmtNum(call.agent_wpm, 0)} wpm · customer ${fmtNum(call.customer_wpm, 0)} wpm`],
        ["PII redacted", chips(call.pii_redacted, "none")],
        ["LLM input", `${call.tokens_before} → ${call.tokens_after} tokens (${call.compression_level})`],
      ]),
    ];
  }

  function renderDetail(data) {
    const { call, segments, criteria, alerts } = data;
    const panel = $("#detail");
    const scorer = [call.scorer, call.model_id, call.prompt_version].filter(Boolean).join(" · ");
    const total =
      call.total === null || call.total === undefined ? "—" : `${fmtNum(call.total, 0)}${call.fatal_failed ? " (fatal criterion failed)" : ""}`;
    fill(panel, [
      el(
        "div",
        { class: "detail-head" },
        el("h2", {}, call.call_id),
        el("button", { type: "button", id: "close-detail", on: { click: closeDetail } }, "Close"),
      ),
      definitionList("meta", [
        ["Agent", `${call.agent_name || ""} (${call.agent_id})`],
        ["Queue", call.queue || "—"],
        ["Tenant", call.tenant],
        ["Direction", `${call.direction} · ${call.source}`],
        ["Started", fmtTime(call.started_at)],
        ["Duration", `${fmtDuration(call.duration_s)} (${call.layout})`],
        ["Scored", fmtTime(call.scored_at)],
        ["Total", total],
        ["Scorer", scorer],
        ["Scorecard", `${call.scorecard_id} v${call.scorecard_version}`],
      ]),
      call.summary ? el("p", { class: "summary" }, call.summary) : null,
      warnings(call).length
        ? [
            el("h3", {}, "Warnings"),
            el("ul", { id: "call-warnings", class: "warnings" }, warnings(call).map((w) => el("li", {}, w))),
          ]
        : null,
      audioBlock(data.audio),
      alerts.length
        ? [
            el("h3", {}, "Alerts"),
            el(
              "ul",
              { id: "call-alerts", class: "alerts" },
              alerts.map((a) => el("li", { dataset: { alertId: a.alert_id } }, severityBadge(a.severity, a.severity), el("strong", {}, a.rule), el("span", { class: "message" }, a.message), notifiedBadge(a))),
            ),
          ]
        : null,
      dialogueBlock(segments),
      droppedBlock(call, segments),
      criteriaBlock(criteria),
      rulesBlock(call),
      Object.keys(call.crm || {}).length ? [el("h3", {}, "CRM"), definitionList("crm", Object.entries(call.crm))] : null,
      el("h3", {}, "Pipeline"),
      definitionList("pipeline", [
        ["ASR model", call.asr_model],
        ["Stage latency", Object.entries(call.latencies || {}).map(([stage, s]) => `${stage} ${fmtNum(s, 2)} s`).join(" · ")],
        ["Recording", call.recording_uri],
      ]),
    ]);
    panel.dataset.state = "loaded";
    panel.dataset.callId = call.call_id;
    panel.dataset.tenant = call.tenant;
  }

  // --- start ------------------------------------------------------------------------------------
  document.addEventListener("DOMContentLoaded", () => {
    readUrl();
    renderFilters();
    for (const id of ["#f-tenant", "#f-queue", "#f-agent"]) $(id).addEventListener("change", onFilterChange);
    $("#show-info").addEventListener("change", () => {
      state.showInfo = $("#show-info").checked;
      scheduleRender();
      if (state.showInfo) reload(); // the list load left info alerts out
    });
    $("#f-clear").addEventListener("click", () => {
      for (const id of ["#f-tenant", "#f-queue", "#f-agent"]) $(id).value = "";
      onFilterChange();
    });
    setInterval(scheduleRender, 5000); // fade the "fresh" highlight
    connect();
    if (state.detail) openDetail(state.detail.tenant, state.detail.callId, false);
  });
})();
