// Glow dashboard: one page, no build step. Reads the node's API (/api/*), follows /api/events and
// /api/logs as server-sent events, and turns /metrics counters into per-listener rates client-side.
"use strict";

const $ = (sel) => document.querySelector(sel);
const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const state = { instances: new Map(), unanswered: [], listeners: [], exposes: [], rollouts: null, samples: new Map(),
  logPaused: false, logSource: null };
const WINDOW_MS = 10 * 60 * 1000;   // charts show the last 10 minutes
const RATE_OVER_MS = 10 * 1000;     // rates are averaged over 10 s (Kamon publishes every few seconds)

async function getJson(path) {
  const r = await fetch(path, { headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  return r.json();
}

function duration(seconds) {
  if (seconds == null) return "";
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
  return d ? d + "d " + h + "h" : h ? h + "h " + m + "m" : m ? m + "m " + s + "s" : s + "s";
}

// ---- nodes and repo

async function refreshCluster() {
  const c = await getJson("/api/cluster");
  $("#node").textContent = "node " + c.self;
  // by name: Akka lists members by address, which moves rows around as ports change
  const look = c.nodes.slice().sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true })).map((n) => ({ n, ...reach(n) }));
  const counts = {};
  look.forEach((l) => { counts[l.text] = (counts[l.text] || 0) + 1; });
  $("#nodes-summary").innerHTML = c.nodes.length + (c.nodes.length === 1 ? " node: " : " nodes: ")
    + Object.entries(counts).sort(([a], [b]) => rank(a) - rank(b)).map(([t, k]) => `<span class="${t === "unreachable" ? "warn" : ""}">${k} ${esc(t)}</span>`).join(", ");
  $("#nodes tbody").innerHTML = look.map(({ n, cls, text }) => `<tr data-node="${esc(n.name)}" class="${n.reachable ? "" : "unreachable"}">
    <td><b>${esc(n.name)}</b>${n.self ? ' <span class="muted">(this node)</span>' : ""}</td>
    <td><span class="state ${esc(cls)}">${esc(text)}</span> ${n.detail && n.detail !== "up"
      ? `<div class="detail">${esc(n.reachable ? n.detail : n.detail.replace(/^unreachable /, ""))}</div>` : ""}</td>
    <td class="mono">${esc(n.address)}</td>
    <td>${[n.leader ? "cluster leader" : "", n.repoSync ? "runs the repo sync" : ""].filter(Boolean).join(", ")}</td></tr>`).join("");
}

// the summary's order: healthy first, then changes, then trouble
const rank = (word) => { const i = ["up", "joining…", "leaving…", "unreachable"].indexOf(word); return i < 0 ? 9 : i; };

// one word and a colour per member: unreachable wins over its membership status
function reach(n) {
  if (!n.reachable) return { cls: "down", text: "unreachable" };
  if (n.status === "Up") return { cls: "Up", text: "up" };
  if (n.status === "Leaving" || n.status === "Exiting") return { cls: "Leaving", text: "leaving…" };
  if (n.status === "Joining" || n.status === "WeaklyUp") return { cls: "Joining", text: "joining…" };
  return { cls: n.status, text: n.status.toLowerCase() };
}

function showRepo(r) {
  $("#repo-version").textContent = "repo " + (r.version || "none");
  $("#repo-version").title = "config repository version in force" + (r.lastSync ? "; last sync " + new Date(r.lastSync).toLocaleTimeString() : "");
  const problems = r.problems || [];
  $("#repo-problems-section").hidden = problems.length === 0;
  $("#repo-problems").innerHTML = problems.map((p) => `<li>${esc(p.file)}${p.line ? ":" + p.line + ":" + p.column : ""}: ${p.path ? esc(p.path) + ": " : ""}${esc(p.message)}</li>`).join("");
}

// ---- apps

async function refreshApps() {
  state.apps = (await getJson("/api/apps")).apps;
  renderApps();
}

function renderApps() {
  $("#apps tbody").innerHTML = (state.apps || []).map((a) => {
    const running = a.instances.filter((k) => (state.instances.get(k) || {}).state === "running").length;
    const all = a.instances.length;
    return `<tr data-app="${esc(a.name)}"><td><b>${esc(a.name)}</b></td><td class="mono">${esc(a.version)}</td>
      <td><span class="state ${running === all && all > 0 ? "running" : running === 0 && all > 0 ? "failed" : "backoff"}">${running} of ${all}</span></td>
      <td>${esc(a.nodes.join(", "))}</td><td data-rollout>${rolloutWord(a.name)}</td></tr>`;
  }).join("");
}

// ---- rollouts: the coordinator's permits and halts, with what each waiting instance says

async function refreshRollouts() {
  state.rollouts = await getJson("/api/rollouts");
  renderRollouts();
  renderApps();
}

const WAITING = /^waiting to roll to /, HALTED = /^rollout of .* stopped: /;

function renderRollouts() {
  const r = state.rollouts || { learning: false, apps: [] };
  const all = [...state.instances.values()];
  const apps = new Set(r.apps.map((a) => a.app));
  all.filter((i) => WAITING.test(i.detail || "") || HALTED.test(i.detail || "")).forEach((i) => apps.add(i.app));
  const box = $("#rollouts");
  if (!apps.size) {
    box.innerHTML = '<p class="muted" data-rollouts="none">Nothing is rolling out: every instance runs what the repo asks for.'
      + (r.learning ? " (The rollout coordinator has just started and is still hearing which permits are out.)" : "") + "</p>";
    return;
  }
  box.innerHTML = [...apps].sort().map((app) => {
    const a = r.apps.find((x) => x.app === app) || { replacing: [], stopped: {} };
    const mine = all.filter((i) => i.app === app).sort((x, y) => x.key.localeCompare(y.key, undefined, { numeric: true }));
    const waiting = mine.filter((i) => WAITING.test(i.detail || ""));
    // the instances the coordinator counts as not serving (besides the permits): why a rollout waits
    const down = (r.down || {})[app] || [];
    const notServing = down.length ? `<div class="detail" data-not-serving>Not serving: ${esc(down.join(", "))}
      (${down.length === 1 ? "it counts" : "each counts"} against max-unavailable).</div>` : "";
    const stopped = Object.entries(a.stopped || {}).map(([target, reason]) => {
      const version = target.split("/")[0];
      const others = [...new Set(mine.filter((i) => i.version !== version).map((i) => i.version))];
      const keep = others.length ? others.join(", ") : "their old version";
      return `<div class="rollout stopped" data-rollout-stopped="${esc(app)}">
        <b>Rollout of ${esc(app)} to ${esc(version)} stopped.</b> <span class="muted mono">${esc(target)}</span>
        <div data-reason>${esc(reason)}</div>
        <div class="what"><b>What to do:</b> the other instances keep ${esc(keep)} and serve. Fix the app and commit
          (a fixed version, or ${esc(keep)} back): a new commit starts a new rollout. Recommitting the same files does not.</div>
        ${mine.filter((i) => i.version === version && !i.healthy).map((i) => `<div class="detail" data-still-down>${esc(i.key)} on
          ${esc(i.node)} is ${esc(i.state)} on ${esc(version)} and retries with back-off${a.replacing.some((x) => x.startsWith(i.key + " "))
            ? ", holding its permit (it counts against max-unavailable, so no other instance is replaced)" : ""}.
          Its last attempt: ${esc(i.detail)}</div>`).join("")}
          ${notServing}</div>`;
    });
    const rolling = stopped.length ? "" : `<div class="rollout" data-rollout-rolling="${esc(app)}">
      <b>${esc(app)} is rolling.</b>
      <ul>${a.replacing.map((x) => `<li data-replacing>Replacing ${esc(x)}</li>`).join("")}
        ${waiting.map((i) => `<li data-waiting>${esc(i.key)} waits: ${esc(i.detail.replace(WAITING, "to roll to "))}</li>`).join("")}</ul>
      ${notServing}</div>`;
    return stopped.join("") + rolling;
  }).join("");
}

// one word per app for the apps table; the rollouts panel says more
function rolloutWord(app) {
  const a = ((state.rollouts || {}).apps || []).find((x) => x.app === app);
  if (a && Object.keys(a.stopped || {}).length) return '<span class="state failed">stopped</span>';
  const waiting = [...state.instances.values()].some((i) => i.app === app && WAITING.test(i.detail || ""));
  return (a && a.replacing.length) || waiting ? '<span class="state starting">rolling</span>' : "";
}

// ---- instances

async function refreshInstances() {
  const r = await getJson("/api/instances");
  state.instances = new Map(r.instances.map((i) => [i.key, i]));
  state.unanswered = r.unanswered || [];
  renderInstances();
}

function renderInstances() {
  const rows = [...state.instances.values()].sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true }));
  $("#instances tbody").innerHTML = rows.map((i) => `<tr data-instance="${esc(i.key)}">
    <td><b>${esc(i.key)}</b><div class="detail">${esc(i.detail)}</div></td>
    <td class="mono">${esc(i.version)}</td>
    <td>${esc(i.node)}</td>
    <td><span class="state ${esc(i.state)}">${esc(i.state)}</span></td>
    <td>${i.healthy ? '<span class="state running">healthy</span>' : '<span class="muted">not serving</span>'}</td>
    <td class="mono">${esc(i.pid)}</td>
    <td class="mono">${Object.entries(i.ports || {}).map(([n, p]) => esc(n) + " " + esc(p)).join("<br>")}</td>
    <td>${esc(i.restarts)}</td>
    <td>${duration(i.uptimeSeconds)}</td>
    <td class="detail">${esc(i.lastExitReason)}</td>
    <td><button type="button" data-restart="${esc(i.key)}">Restart</button></td></tr>`).join("");
  $("#unanswered").hidden = state.unanswered.length === 0;
  $("#unanswered").textContent = "No answer from node(s) " + state.unanswered.join(", ") + ": their instances may be out of date.";
  const filter = $("#log-filter"), chosen = filter.value;
  const apps = [...new Set(rows.map((i) => i.app))].sort();
  filter.innerHTML = '<option value="">every app</option>' +
    apps.map((a) => `<option value="app=${esc(a)}">app ${esc(a)}</option>`).join("") +
    rows.map((i) => `<option value="instance=${esc(encodeURIComponent(i.key))}">instance ${esc(i.key)}</option>`).join("");
  filter.value = chosen;
  renderApps();
  renderRollouts();
}

async function restart(key) {
  let token = sessionStorage.getItem("glow-token");
  if (!token) token = prompt("API token of this node (glow.api.tokens) to restart " + key);
  if (!token) return;
  const r = await fetch("/api/instances/" + encodeURIComponent(key) + "/restart", { method: "POST", headers: { Authorization: "Bearer " + token } });
  const body = await r.json().catch(() => ({}));
  if (r.ok) sessionStorage.setItem("glow-token", token);
  else { if (r.status === 401 || r.status === 403) sessionStorage.removeItem("glow-token"); alert(body.error + (body.hint ? "\n" + body.hint : "")); }
}

// ---- traffic: /metrics counters per listener, rates computed here

function parseMetrics(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (!line || line[0] === "#") continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    if (m[2]) for (const l of m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: parseFloat(m[3]) });
  }
  return out;
}

function sampleOf(series, listener) {
  const s = { t: Date.now(), opened: 0, bytes: 0, http: 0, buckets: {} };
  for (const m of series) {
    if (m.labels.listener !== listener) continue;
    if (m.name === "glow_proxy_connections_opened_total") s.opened += m.value;
    else if (/^glow_proxy_(request|response)_bytes.*_total$/.test(m.name)) s.bytes += m.value;
    else if (m.name === "glow_proxy_http_requests_total") s.http += m.value;
    else if (/^glow_proxy_http_request_time.*_bucket$/.test(m.name)) s.buckets[m.labels.le] = (s.buckets[m.labels.le] || 0) + m.value;
  }
  return s;
}

function p99(now, before) {
  const les = Object.keys(now.buckets).sort((a, b) => (a === "+Inf" ? Infinity : +a) - (b === "+Inf" ? Infinity : +b));
  const total = (now.buckets["+Inf"] || 0) - ((before.buckets || {})["+Inf"] || 0);
  if (total <= 0) return null;
  for (const le of les) {
    if ((now.buckets[le] || 0) - ((before.buckets || {})[le] || 0) >= 0.99 * total) return le === "+Inf" ? null : +le * 1000;
  }
  return null;
}

async function refreshTraffic() {
  const text = await (await fetch("/metrics")).text();
  const series = parseMetrics(text);
  for (const l of state.listeners) {
    const list = state.samples.get(l.name) || [];
    list.push(sampleOf(series, l.name));
    while (list.length && list[0].t < Date.now() - WINDOW_MS - RATE_OVER_MS) list.shift();
    state.samples.set(l.name, list);
  }
  for (const e of state.exposes || []) {
    const s = exposeSample(series, e);
    if (!s) continue;
    const list = state.samples.get("expose " + e.name) || [];
    list.push(s);
    while (list.length && list[0].t < Date.now() - WINDOW_MS - RATE_OVER_MS) list.shift();
    state.samples.set("expose " + e.name, list);
  }
  renderServices();
  renderExposes();
}

function rates(list) {
  const out = { conn: [], bytes: [], http: [], p99: [] };
  for (let i = 1, j = 0; i < list.length; i++) {
    while (j < i - 1 && list[i].t - list[j + 1].t >= RATE_OVER_MS) j++;
    const a = list[j], b = list[i], dt = (b.t - a.t) / 1000;
    if (dt <= 0) continue;
    out.conn.push([b.t, Math.max(0, (b.opened - a.opened) / dt)]);
    out.bytes.push([b.t, Math.max(0, (b.bytes - a.bytes) / dt)]);
    out.http.push([b.t, Math.max(0, (b.http - a.http) / dt)]);
    out.p99.push([b.t, p99(b, a)]);
  }
  return out;
}

function spark(points) {
  const now = Date.now(), vals = points.map((p) => p[1]).filter((v) => v != null);
  const max = Math.max(1e-9, ...vals);
  // the x axis spans the data seen so far (at least a minute), up to the 10-minute window
  const span = Math.min(WINDOW_MS, Math.max(60 * 1000, points.length ? now - points[0][0] : 0));
  const xy = points.filter((p) => p[1] != null && now - p[0] <= span)
    .map((p) => `${(100 - (now - p[0]) / span * 100).toFixed(1)},${(34 - p[1] / max * 32).toFixed(1)}`);
  // one sample is a dot; two or more a line; the strip stays visible while empty
  const dot = xy.length === 1 ? `<circle cx="${xy[0].split(",")[0]}" cy="${xy[0].split(",")[1]}" r="1.5"/>` : "";
  return `<svg viewBox="0 0 100 36" preserveAspectRatio="none"><polyline points="${xy.join(" ")}"/>${dot}</svg>`;
}

function fmt(v, unit) {
  if (v == null) return "–";
  if (unit === "B/s") return v >= 1e6 ? (v / 1e6).toFixed(1) + " MB/s" : v >= 1e3 ? (v / 1e3).toFixed(1) + " kB/s" : v.toFixed(0) + " B/s";
  if (unit === "ms") return v.toFixed(v < 10 ? 1 : 0) + " ms";
  return v.toFixed(v < 10 ? 2 : 0) + " " + unit;
}

function renderServices() {
  const box = $("#services");
  if (!state.listeners.length) { box.innerHTML = '<p class="muted">No app on this node requires a service, so no loopback proxy runs here.</p>'; return; }
  box.innerHTML = state.listeners.map((l) => {
    const r = rates(state.samples.get(l.name) || []);
    const last = (a) => (a.length ? a[a.length - 1][1] : null);
    const chart = (label, pts, unit, key) => `<div class="chart" data-metric="${key}">${label}<b>${fmt(last(pts), unit)}</b>${spark(pts)}</div>`;
    return `<div class="service" data-listener="${esc(l.name)}">
      <div><b>${esc(l.service)}</b> <span class="muted">on</span> <span class="mono">${esc(l.name)}</span>
        <div class="endpoints">${l.endpoints.map((e) => `<span class="state ${esc(e.state === "available" ? "running" : e.state)}">${esc(e.state)}</span> <span class="mono">${esc(e.endpoint)}</span> <span class="muted">${esc(e.node)}, ${e.activeConnections} open</span>`).join("<br>") || '<span class="warn">no endpoint: nothing provides it now</span>'}
        ${l.state && l.state !== "bound" ? `<div class="warn">listener ${esc(l.state)}</div>` : ""}${l.error ? `<div class="warn">${esc(l.error)}</div>` : ""}</div>
        <div class="muted">${l.activeConnections} open connections, needed by ${esc(l.neededBy.join(", "))}</div></div>
      ${chart("connections", r.conn, "/s", "conn")}${chart("bytes", r.bytes, "B/s", "bytes")}${chart("HTTP requests", r.http, "req/s", "http")}${chart("p99", r.p99, "ms", "p99")}</div>`;
  }).join("");
}

async function refreshServices() {
  state.listeners = (await getJson("/api/services")).listeners;
}

// ---- exposes: public listeners, their state on this node and their traffic

async function refreshExposes() {
  state.exposes = (await getJson("/api/exposes")).exposes;
  renderExposes();
}

function exposeSample(series, e) {
  const m = (e.here || {}).metrics;
  if (!m) return null;
  if (m.expose == null) { const s = sampleOf(series, m.listener); return { t: s.t, count: s.opened, errors: 0, bytes: s.bytes }; }
  const s = { t: Date.now(), count: 0, errors: 0, bytes: 0 };
  for (const x of series) {
    if (x.name !== m.series || x.labels.expose !== m.expose || x.labels.listener !== m.listener) continue;
    s.count += x.value;
    if (x.labels.status === "5xx") s.errors += x.value;
  }
  return s;
}

// per-second rates of one field, each over the last RATE_OVER_MS
function rateOf(list, field) {
  const out = [];
  for (let i = 1, j = 0; i < list.length; i++) {
    while (j < i - 1 && list[i].t - list[j + 1].t >= RATE_OVER_MS) j++;
    const dt = (list[i].t - list[j].t) / 1000;
    if (dt > 0) out.push([list[i].t, Math.max(0, (list[i][field] - list[j][field]) / dt)]);
  }
  return out;
}

function renderExposes() {
  const exposes = state.exposes || [];
  $("#exposes-section").hidden = exposes.length === 0;
  $("#exposes tbody").innerHTML = exposes.map((e) => {
    const h = e.here;
    const routes = e.mode === "http"
      ? `<span class="pill">http</span> ${esc(e.hosts.length ? e.hosts.join(", ") : "any host")} <span class="mono">${esc(e.path)}</span>`
      : `<span class="pill">tcp</span> every connection${e.proxyProtocol ? ", PROXY protocol " + esc(e.proxyProtocol) : ""}`;
    const absent = Object.entries(e.absentNodes || {}).map(([n, why]) => `<div class="warn">${esc(why)}</div>`).join("");
    let here;
    if (!h) here = `<span class="muted">not an edge node of it (edge: ${esc(e.nodes.join(", "))})</span>`;
    else {
      const eps = h.endpoints || [];
      const ok = eps.filter((x) => x.state === "available").length;
      here = `<span class="state ${h.state === "bound" ? "running" : h.state === "binding" ? "starting" : "failed"}">${esc(h.state)}</span>
        ${h.boundAddress ? ' <span class="mono">' + esc(h.boundAddress) + "</span>" : ""}${h.error ? `<div class="warn">${esc(h.error)}</div>` : ""}
        <div class="${ok ? "detail" : "warn"}" data-endpoints>${h.endpoints ? ok + " of " + eps.length + " endpoints available" : ""}${ok === 0 && h.endpoints ? ": nothing healthy to send to" : ""}</div>`;
    }
    let traffic = '<span class="muted">–</span>';
    if (h && h.metrics) {
      const list = state.samples.get("expose " + e.name) || [];
      const counts = rateOf(list, "count"), last = (a) => (a.length ? a[a.length - 1][1] : null);
      if (e.mode === "http") {
        const errs = last(rateOf(list, "errors"));
        traffic = `<div class="chart" data-metric="rate">requests<b>${fmt(last(counts), "req/s")}</b>${errs ? ` <span class="warn">${fmt(errs, "5xx/s")}</span>` : ""}${spark(counts)}</div>`;
      } else {
        traffic = `<div class="chart" data-metric="rate">connections<b>${fmt(last(counts), "/s")}</b> <span class="muted">${fmt(last(rateOf(list, "bytes")), "B/s")}</span>${spark(counts)}</div>`;
      }
    }
    return `<tr data-expose="${esc(e.name)}"><td><b>${esc(e.name)}</b></td><td class="mono">${esc(e.listen)}</td><td>${routes}</td>
      <td><span class="mono">${esc(e.target)}</span>${e.service ? "" : ' <div class="warn">nobody provides it</div>'}</td>
      <td>${e.tls ? `<span class="state running">TLS</span><div class="detail mono">${esc(e.tlsCert)}</div>` : '<span class="muted">plain</span>'}</td>
      <td>${here}${absent}</td><td>${traffic}</td></tr>`;
  }).join("");
}

// ---- jobs

async function refreshJobs() {
  const jobs = (await getJson("/api/jobs")).jobs;
  $("#jobs-section").hidden = jobs.length === 0;
  $("#jobs tbody").innerHTML = jobs.map((j) => {
    const last = j.lastRun;
    const lastText = last ? `#${last.id} <span class="state ${last.state === "succeeded" ? "running" : last.state === "running" ? "starting" : "failed"}">${esc(last.state)}</span> `
      + `<span class="muted">${esc(last.trigger)}, ${esc(new Date(last.started).toLocaleString())}${last.durationMs != null ? ", " + (last.durationMs / 1000).toFixed(1) + " s" : ""}</span>` : "";
    return `<tr data-job="${esc(j.name)}"><td><b>${esc(j.name)}</b></td><td>${esc(j.app)} <span class="mono">${esc(j.version || "")}</span></td>
      <td>${esc(j.node)}</td><td class="mono">${esc(j.schedule)} <span class="muted">${esc(j.timeZone)}</span></td>
      <td>${j.nextRun ? esc(new Date(j.nextRun).toLocaleString()) : ""}</td><td>${lastText}</td>
      <td>${(j.running || []).map((id) => "#" + id).join(", ")}${j.history ? ' <span class="warn">' + esc(j.history) + "</span>" : ""}</td></tr>`;
  }).join("");
}

// ---- live: events and logs

function followEvents() {
  const es = new EventSource("/api/events");
  es.onopen = () => { $("#live").className = "live on"; $("#live").textContent = "live"; };
  es.onerror = () => { $("#live").className = "live off"; $("#live").textContent = "reconnecting"; };
  es.addEventListener("instance", (e) => { const i = JSON.parse(e.data); state.instances.set(i.key, i); renderInstances(); });
  es.addEventListener("repo", (e) => showRepo(JSON.parse(e.data)));
}

function followLogs() {
  if (state.logSource) state.logSource.close();
  const filter = $("#log-filter").value;
  const es = new EventSource("/api/logs?follow=true&limit=200" + (filter ? "&" + filter : ""));
  state.logSource = es;
  $("#log-status").textContent = "following " + ($("#log-filter").selectedOptions[0] || {}).textContent;
  es.addEventListener("log", (e) => { if (!state.logPaused) appendLog(JSON.parse(e.data)); });
  es.addEventListener("warning", (e) => appendLog({ timestamp: new Date().toISOString(), instance: "glow", stream: "stderr", text: JSON.parse(e.data).warning }));
}

function appendLog(l) {
  const pre = $("#log"), atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  const div = document.createElement("div");
  div.className = "line";
  div.innerHTML = `<span class="ts">${esc(l.timestamp.substring(11, 23))}</span> <span class="src">${esc(l.instance)}</span> <span class="${l.stream === "stderr" ? "err" : ""}">${esc(l.text)}</span>`;
  pre.appendChild(div);
  while (pre.childElementCount > 1000) pre.firstElementChild.remove();
  if (atEnd) pre.scrollTop = pre.scrollHeight;
}

// ---- wiring

function every(ms, f) {
  const run = () => f().catch((e) => { $("#live").className = "live off"; $("#live").textContent = e.message; });
  run();
  return setInterval(run, ms);
}

document.addEventListener("click", (e) => { const k = e.target.getAttribute && e.target.getAttribute("data-restart"); if (k) restart(k); });
$("#log-filter").addEventListener("change", followLogs);
$("#log-pause").addEventListener("click", () => { state.logPaused = !state.logPaused; $("#log-pause").textContent = state.logPaused ? "Resume" : "Pause"; });
$("#log-clear").addEventListener("click", () => { $("#log").innerHTML = ""; });

getJson("/api/repo").then(showRepo).catch(() => {});
every(5000, refreshCluster);
every(5000, refreshInstances);
every(5000, refreshApps);
every(5000, refreshServices);
every(5000, refreshExposes);
every(3000, refreshRollouts);
every(5000, refreshJobs);
every(2000, refreshTraffic);
followEvents();
followLogs();
