// api.js: the console's JSON endpoints. Every request that changes
// something carries X-Patternc-Console; credentials live only in the
// server's HttpOnly session cookie, never in the page's storage.

export async function api(method, path, body) {
  const opts = { method, headers: { "X-Patternc-Console": "1" }, credentials: "same-origin" };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const r = await fetch("api/" + path, opts);
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { message: text }; }
  if (!r.ok) {
    const err = new Error((data && data.message) || r.statusText);
    err.status = r.status;
    throw err;
  }
  return data;
}

// el builds an element: el("td", {class: "x"}, "text", child…).
export function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k);
  return e;
}

export function badge(state, text) {
  return el("span", { class: "st " + state }, text || state);
}
