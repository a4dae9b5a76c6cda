// feed.js: the WebSocket feed (runtime.md §7.5) with reconnection. The
// subscriptions asked for are remembered and sent again on every new
// connection, so a restarted server feeds the page as before.

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
    ws.onopen = () => {
      this.delay = 250;
      this.onState("open");
      for (const m of this.subs.values()) ws.send(JSON.stringify(m));
    };
    ws.onmessage = (e) => {
      let f;
      try { f = JSON.parse(e.data); } catch { return; }
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
