// feed.js: the WebSocket feed (runtime.md §7.5) with reconnection. The
// subscriptions asked for are remembered and sent again on every new
// connection, so a restarted server feeds the page as before. The feed
// says "open" only once the server has answered every bus and topic
// subscription sent on connecting (its snapshot or its error): before
// that, an event put on a bus would not reach the page, and the page
// would claim to be live while missing it.

export class Feed {
  constructor(url, onFrame, onState) {
    this.url = url;
    this.onFrame = onFrame;
    this.onState = onState;
    this.subs = new Map(); // key → message
    this.delay = 250;
    this.ws = null;
    this.connect();
  }

  connect() {
    this.onState("connecting");
    const ws = new WebSocket(this.url);
    this.ws = ws;
    let pending = 0; // bus and topic subscriptions not yet answered
    let announced = false;
    const announce = () => {
      if (announced || this.ws !== ws) return;
      announced = true;
      this.onState("open");
    };
    ws.onopen = () => {
      this.delay = 250;
      for (const m of this.subs.values()) {
        if (m.bus || m.topic) pending++;
        ws.send(JSON.stringify(m));
      }
      if (pending === 0) announce();
      // A server that never answers still gets the page going.
      else setTimeout(announce, 5000);
    };
    ws.onmessage = (e) => {
      let f;
      try { f = JSON.parse(e.data); } catch { return; }
      if (!announced && ((f.op === "snapshot" && (f.bus || f.topic)) ||
          (f.op === "error" && (f.code === "BusNotFound" || f.code === "TopicNotFound")))) {
        if (--pending <= 0) announce();
      }
      this.onFrame(f);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.onState("closed");
      const wait = this.delay;
      this.delay = Math.min(this.delay * 2, 5000);
      setTimeout(() => this.connect(), wait);
    };
    ws.onerror = () => ws.close();
  }

  // subscribe asks for {bus}, {topic}, {function} or {invocationId},
  // once per key.
  subscribe(m) {
    const key = JSON.stringify(m);
    if (this.subs.has(key)) return;
    const msg = { op: "subscribe", ...m };
    this.subs.set(key, msg);
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }
}
