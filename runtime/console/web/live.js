// live.js: the live view. Frames are queued as they come and applied at
// most FLUSH_HZ times a second on an animation frame, with at most
// ROWS_PER_FLUSH new event rows each time; the event table keeps at most
// MAX_ROWS rows. Events that get no row, and rows pushed out, are
// counted as dropped, so a busy bus neither freezes the page nor grows
// its memory.

import { el, badge } from "./api.js";

export const MAX_ROWS = 200;
const MAX_INVOCATIONS = 200;
const FLUSH_HZ = 5;        // DOM updates per second, at most
const ROWS_PER_FLUSH = 20; // new event rows per update, at most
const MAX_MESSAGES = 100;

export class Live {
  constructor() {
    this.pending = [];
    this.scheduled = false;
    this.events = new Map();     // event id → {row, targets: Map(rule/target → cell)}
    this.invocations = new Map(); // invocation id → {row, history}
    this.messages = new Map();    // message id → {row, subs: Map}
    this.stats = { frames: 0, events: 0, dropped: 0, deliveries: 0 };
    this.paused = false;
    this.lastFlush = 0;
    this.evBody = document.querySelector("#events tbody");
    this.invBody = document.querySelector("#invocations tbody");
    this.msgBody = document.querySelector("#messages tbody");
    document.getElementById("events-pause").addEventListener("change", (e) => { this.paused = e.target.checked; });
  }

  frame(f) {
    this.stats.frames++;
    this.pending.push(f);
    if (!this.scheduled) {
      this.scheduled = true;
      // At most FLUSH_HZ DOM updates a second, each on an animation frame.
      const wait = Math.max(0, this.lastFlush + 1000 / FLUSH_HZ - performance.now());
      setTimeout(() => requestAnimationFrame(() => this.flush()), wait);
    }
  }

  flush() {
    this.scheduled = false;
    this.lastFlush = performance.now();
    let batch = this.pending;
    this.pending = [];
    // Under a flood only the newest events of a batch get a row; the
    // others are counted (seen and dropped) without touching the DOM, so
    // the page's work per second stays bounded whatever the rate.
    const evs = batch.filter((f) => f.op === "event");
    if (evs.length > ROWS_PER_FLUSH) {
      const skip = new Set(evs.slice(0, evs.length - ROWS_PER_FLUSH));
      this.stats.events += skip.size;
      this.stats.dropped += skip.size;
      batch = batch.filter((f) => !skip.has(f));
    }
    for (const f of batch) {
      switch (f.op) {
        case "event": if (!this.paused) this.addEvent(f); else { this.stats.events++; this.stats.dropped++; } break;
        case "delivery": if (f.bus !== undefined) this.busDelivery(f); else this.topicDelivery(f); break;
        case "snapshot":
        case "status": if (f.invocation) this.invocation(f); break;
        case "message": this.addMessage(f); break;
      }
    }
    this.trim();
    setText("events-count", this.stats.events);
    setText("events-dropped", this.stats.dropped);
    setText("inv-count", this.invocations.size);
    setText("messages-count", this.messages.size);
  }

  addEvent(f) {
    this.stats.events++;
    const ev = f.event || {};
    const targets = new Map();
    const matches = el("td", { class: "matches" });
    if (!f.rules.length) matches.append(badge("nomatch", "no rule matched"));
    for (const r of f.rules) {
      const line = el("div", {}, el("span", { class: "rule" }, r.rule), " → ");
      if (r.archive) {
        const c = badge("pending", "archive " + r.archive);
        targets.set(r.rule + "/", c);
        line.append(c);
      }
      for (const t of r.targets) {
        const c = badge("pending", t + ": pending");
        c.dataset.target = t;
        targets.set(r.rule + "/" + t, c);
        line.append(c);
      }
      matches.append(line);
    }
    const t = ev.time ? ev.time.replace("T", " ").replace("Z", "") : "";
    const row = el("tr", { "data-event-id": ev.id || "" },
      el("td", {}, t), el("td", {}, f.bus), el("td", {}, ev.source || ""), el("td", {}, ev["detail-type"] || ""), matches);
    this.evBody.prepend(row);
    this.events.set(ev.id, { row, targets });
  }

  busDelivery(f) {
    this.stats.deliveries++;
    const e = this.events.get(f.eventId);
    if (!e) return;
    const c = e.targets.get(f.rule + "/" + (f.target || ""));
    if (!c) return;
    c.className = "st " + f.state;
    c.textContent = (f.target ? f.target + ": " : "archive: ") + f.state + (f.attempt > 1 ? " (attempt " + f.attempt + ")" : "");
    if (f.error) c.title = f.error;
  }

  invocation(f) {
    const inv = f.invocation;
    let e = this.invocations.get(inv.invocationId);
    if (!e) {
      const row = el("tr", { "data-invocation-id": inv.invocationId },
        el("td", {}, el("code", {}, inv.invocationId.slice(0, 8))), el("td", {}, inv.functionArn.split(":function:")[1] || inv.functionArn),
        el("td", { class: "status" }), el("td", { class: "attempts" }), el("td", { class: "history" }), el("td", { class: "error" }));
      e = { row, history: [], rev: 0 };
      this.invocations.set(inv.invocationId, e);
      this.invBody.prepend(row);
    }
    if (inv.revision <= e.rev) return;
    e.rev = inv.revision;
    if (f.previousStatus && e.history[e.history.length - 1] !== f.previousStatus) e.history.push(f.previousStatus);
    if (e.history[e.history.length - 1] !== inv.status) e.history.push(inv.status);
    const cells = e.row.children;
    cells[2].replaceChildren(badge(inv.status));
    cells[3].textContent = String(inv.attempts);
    cells[4].textContent = e.history.join(" → ");
    cells[5].textContent = inv.lastError ? (inv.lastError.errorType + ": " + inv.lastError.errorMessage) : "";
    if (f.record) {
      cells[5].append(el("details", {}, el("summary", {}, "record"), el("pre", {}, JSON.stringify(f.record, null, 2))));
    }
  }

  addMessage(f) {
    const subs = new Map();
    const cell = el("td", {});
    for (const s of f.receivers) {
      const c = badge("pending", short(s) + ": pending");
      subs.set(s, c);
      cell.append(c);
    }
    for (const s of f.filtered) cell.append(badge("filtered", short(s) + ": filtered out"));
    if (!f.receivers.length && !f.filtered.length) cell.append(badge("nomatch", "no subscriptions"));
    const row = el("tr", { "data-message-id": f.messageId }, el("td", {}, f.topic.split(":").pop()),
      el("td", {}, f.subject ? f.subject + " — " : "", el("code", {}, f.message.slice(0, 200))), cell);
    this.msgBody.prepend(row);
    this.messages.set(f.messageId, { row, subs });
  }

  topicDelivery(f) {
    const m = this.messages.get(f.messageId);
    const c = m && m.subs.get(f.subscription);
    if (!c) return;
    c.className = "st " + f.state;
    c.textContent = short(f.subscription) + ": " + f.state;
  }

  trim() {
    dropOldest(this.events, MAX_ROWS, () => { this.stats.dropped++; });
    dropOldest(this.invocations, MAX_INVOCATIONS, () => {});
    dropOldest(this.messages, MAX_MESSAGES, () => {});
  }
}

// dropOldest removes a map's first-inserted entries (and their rows)
// beyond max.
function dropOldest(map, max, count) {
  while (map.size > max) {
    const [k, v] = map.entries().next().value;
    v.row.remove();
    map.delete(k);
    count();
  }
}

function setText(id, v) {
  const e = document.getElementById(id);
  const t = String(v);
  if (e.textContent !== t) e.textContent = t;
}

function short(arn) {
  const parts = arn.split(":");
  return parts.length > 6 ? parts[5] + ":" + parts[6].slice(0, 8) : arn;
}
