// app.js: the console's entry point: sign-in, tabs, the overview (buses,
// topics, queues, archives) and the wiring of the live feed.

import { api, el, badge } from "./api.js";
import { Feed } from "./feed.js";
import { Live } from "./live.js";
import { Sandbox } from "./sandbox.js";

const state = { live: null, feed: null, overview: null };
window.patterncConsole = state; // read by the end-to-end tests

function tabs() {
  const tabs = [...document.querySelectorAll(".tab")];
  const show = (tab) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1; // arrow keys move between tabs, Tab leaves the list
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    }
    location.hash = tab.getAttribute("aria-controls");
  };
  for (const t of tabs) {
    t.addEventListener("click", () => show(t));
    t.addEventListener("keydown", (e) => {
      const i = tabs.indexOf(t);
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
        e.preventDefault();
        const n = tabs[(i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
        n.focus();
        show(n);
      }
    });
  }
  const start = tabs.find((t) => "#" + t.getAttribute("aria-controls") === location.hash) || tabs[0];
  show(start);
}

async function signIn() {
  const s = await api("GET", "session");
  if (s.signedIn) return;
  const box = document.getElementById("signin");
  box.hidden = false;
  document.getElementById("live").hidden = true;
  await new Promise((resolve) => {
    document.getElementById("signin-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const tok = document.getElementById("token");
      try {
        await api("POST", "session", { token: tok.value });
        tok.value = "";
        box.hidden = true;
        document.getElementById("live").hidden = false;
        resolve();
      } catch (err) {
        document.getElementById("signin-error").textContent = err.message;
      }
    });
  });
}

function renderBuses(buses) {
  const rule = (r) => el("li", {},
    el("span", { class: "rule" }, r.name), " ",
    badge(r.state === "ENABLED" ? "delivered" : "dropped", r.state.toLowerCase()),
    el("pre", {}, r.eventPattern),
    el("ul", {}, ...r.targets.map((t) => el("li", {},
      t.id + " → " + t.arn + (t.deadLetterArn ? " (DLQ " + t.deadLetterArn.split(":").pop() + ")" : "")))));
  document.getElementById("buses").replaceChildren(...buses.map((b) => el("details", { open: "" },
    el("summary", {}, b.name, " ", el("span", { class: "count" }, `${b.rules.length} rules`)),
    el("ul", {}, ...b.rules.map(rule)))));
}

function renderTopics(topics) {
  document.getElementById("topics").replaceChildren(...topics.map((t) => el("details", { open: "" },
    el("summary", {}, t.name, " ", el("span", { class: "count" }, `${t.subscriptions.length} subscriptions`)),
    el("ul", {}, ...t.subscriptions.map((s) => el("li", {}, `${s.protocol} → ${s.endpoint}`,
      s.filterPolicy ? el("pre", {}, `${s.filterPolicyScope || "MessageAttributes"}: ${s.filterPolicy}`) : " (no filter policy)"))))));
}

function renderQueues(queues) {
  const body = document.querySelector("#queues tbody");
  body.replaceChildren(...queues.map((q) => {
    const isDLQ = q.deadLetterOf.length > 0 || q.deadLetterFor.length > 0;
    const actions = el("td", {}, el("button", { type: "button", onclick: () => view(q.name), "aria-label": "View messages of " + q.name }, "View"));
    if (isDLQ && q.deadLetterOf.length > 0) {
      actions.append(" ", el("button", { type: "button", onclick: () => redrive(q.name), "aria-label": "Redrive " + q.name + " to " + q.deadLetterOf[0] }, "Redrive"));
    }
    return el("tr", { "data-queue": q.name },
      el("td", {}, q.name, isDLQ ? el("span", { class: "st dead-lettered", title: [...q.deadLetterOf, ...q.deadLetterFor].join(", ") }, "DLQ") : null),
      el("td", { class: "depth" }, String(q.visible)), el("td", {}, String(q.inFlight)), actions);
  }));
}

async function view(name) {
  const out = await api("GET", "queues/" + encodeURIComponent(name) + "/messages");
  document.getElementById("viewer").hidden = false;
  document.getElementById("viewer-h").textContent = `${name}: ${out.total} messages` + (out.total > out.messages.length ? ` (first ${out.messages.length})` : "");
  document.getElementById("viewer-list").replaceChildren(...out.messages.map((m) => el("li", {},
    el("pre", {}, m.body), Object.keys(m.attributes).length ? el("pre", { class: "count" }, JSON.stringify(m.attributes)) : null)));
}

async function redrive(name) {
  try {
    const out = await api("POST", "queues/" + encodeURIComponent(name) + "/redrive", {});
    document.getElementById("viewer").hidden = false;
    document.getElementById("viewer-h").textContent = `moved ${out.moved} messages from ${name} to ${out.destination}`;
    document.getElementById("viewer-list").replaceChildren();
  } catch (e) {
    document.getElementById("viewer-h").textContent = "redrive failed: " + e.message;
  }
  refresh();
}

function renderArchives(archives, replays) {
  const sel = document.getElementById("replay-archive");
  const cur = sel.value;
  sel.replaceChildren(...archives.map((a) => el("option", { value: a.ArchiveName }, `${a.ArchiveName} (${a.EventCount} events)`)));
  if (cur) sel.value = cur;
  document.getElementById("replays").replaceChildren(...replays.map((r) => el("li", {}, `${r.ReplayName}: `, badge(r.State === "COMPLETED" ? "delivered" : r.State === "FAILED" ? "failed" : "pending", r.State))));
}

function utcInput(d) { return d.toISOString().slice(0, 19); }

// utcValue reads a datetime-local input, which holds UTC here, as an
// RFC 3339 time. (Its value drops the seconds when they are zero,
// "2026-12-03T03:11", which the API refuses; valueAsNumber reads it whole.)
function utcValue(id) { return new Date(document.getElementById(id).valueAsNumber).toISOString().slice(0, 19) + "Z"; }

function replayForm() {
  const now = new Date();
  document.getElementById("replay-start").value = utcInput(new Date(now - 3600e3));
  document.getElementById("replay-end").value = utcInput(now);
  document.getElementById("replay-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const out = document.getElementById("replay-result");
    try {
      const r = await api("POST", "replays", {
        archive: document.getElementById("replay-archive").value,
        start: utcValue("replay-start"),
        end: utcValue("replay-end"),
      });
      out.textContent = `replay ${r.ReplayName} started`;
    } catch (err) {
      out.textContent = "replay failed: " + err.message;
    }
    refresh();
  });
}

async function refresh() {
  if (document.hidden) return;
  let o;
  try { o = await api("GET", "overview"); } catch { return; }
  state.overview = o;
  renderBuses(o.buses);
  renderTopics(o.topics);
  renderQueues(o.queues);
  renderArchives(o.archives, o.replays);
  for (const b of o.buses) state.feed.subscribe({ bus: b.name });
  for (const t of o.topics) state.feed.subscribe({ topic: t.arn });
}

async function main() {
  tabs();
  new Sandbox();
  await signIn();
  state.live = new Live();
  const conn = document.getElementById("conn");
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + location.pathname.replace(/[^/]*$/, "") + "api/ws";
  state.feed = new Feed(url, (f) => state.live.frame(f), (s) => {
    conn.dataset.state = s;
    conn.textContent = s === "open" ? "live" : s === "closed" ? "disconnected: reconnecting…" : "connecting…";
    if (s === "open") refresh();
  });
  state.feed.subscribe({ function: "*" });
  replayForm();
  setInterval(refresh, 5000);
}

main();
