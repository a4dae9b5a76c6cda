// sandbox.js: the pattern sandbox. The server checks the pattern with
// the compiler and matches with the reference interpreter; the page
// shows the verdict, the explain lines, and each diagnostic with a caret
// under the character it names.

import { api, el } from "./api.js";

const SAMPLES = {
  "eventbridge": [
    { name: "Order over 100 from the shop", pattern: { source: ["shop"], "detail-type": ["OrderPlaced"], detail: { total: [{ numeric: [">", 100] }] } },
      input: { version: "0", id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "OrderPlaced", source: "shop", account: "000000000000",
        time: "2026-01-01T12:00:00Z", region: "us-east-1", resources: [], detail: { total: 250, currency: "EUR" } } },
    { name: "EC2 instance stopped", pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], detail: { state: ["stopped", "terminated"] } },
      input: { version: "0", id: "7bf73129-1428-4cd3-a780-95db273d1602", "detail-type": "EC2 Instance State-change Notification", source: "aws.ec2",
        account: "123456789012", time: "2026-01-01T12:00:00Z", region: "us-east-1", resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-1"],
        detail: { "instance-id": "i-1", state: "running" } } },
  ],
  "sns-attributes": [
    { name: "Store and price", pattern: { store: ["example_corp"], price_usd: [{ numeric: [">=", 100] }] },
      input: { Message: "hello", MessageAttributes: { store: { DataType: "String", StringValue: "example_corp" }, price_usd: { DataType: "Number", StringValue: "120" } } } },
  ],
  "sns-body": [
    { name: "Nested body field", pattern: { order: { status: ["shipped"] } },
      input: { Message: JSON.stringify({ order: { status: "shipped", id: 7 } }) } },
  ],
};

export class Sandbox {
  constructor() {
    this.dialect = document.getElementById("sb-dialect");
    this.sample = document.getElementById("sb-sample");
    this.pattern = document.getElementById("sb-pattern");
    this.input = document.getElementById("sb-input");
    this.example = "";
    this.dialect.addEventListener("change", () => { this.fillSamples(); this.useSample(); });
    this.sample.addEventListener("change", () => this.useSample());
    document.getElementById("sandbox-form").addEventListener("submit", (e) => { e.preventDefault(); this.run(); });
    document.getElementById("sb-example").addEventListener("click", async () => {
      const out = await this.run(true);
      if (out && out.example) {
        this.input.value = pretty(out.example);
        await this.run();
      }
    });
    this.fillSamples();
    this.useSample();
  }

  fillSamples() {
    this.sample.replaceChildren(...SAMPLES[this.dialect.value].map((s, i) => el("option", { value: String(i) }, s.name)));
    document.getElementById("sb-input-label").textContent = this.dialect.value === "eventbridge" ? "Event" : "Publish request";
  }

  useSample() {
    const s = SAMPLES[this.dialect.value][Number(this.sample.value) || 0];
    this.pattern.value = JSON.stringify(s.pattern, null, 2);
    this.input.value = JSON.stringify(s.input, null, 2);
  }

  async run(patternOnly) {
    const verdict = document.getElementById("sb-verdict");
    const diags = document.getElementById("sb-diags");
    const explain = document.getElementById("sb-explain");
    let out;
    try {
      out = await api("POST", "sandbox", { dialect: this.dialect.value, pattern: this.pattern.value, input: patternOnly ? "" : this.input.value });
    } catch (e) {
      verdict.className = "invalid";
      verdict.textContent = "error: " + e.message;
      return null;
    }
    diags.replaceChildren(...out.diagnostics.map(diagnostic));
    explain.replaceChildren(...(out.explain || []).map((l) => el("li", {}, l)));
    if (!out.valid) {
      verdict.className = "invalid";
      verdict.textContent = "invalid pattern";
    } else if (out.inputError) {
      verdict.className = "invalid";
      verdict.textContent = "input cannot be matched: " + out.inputError;
    } else if (out.matched === undefined) {
      verdict.className = "";
      verdict.textContent = "valid pattern";
    } else {
      verdict.className = out.matched ? "match" : "nomatch";
      verdict.textContent = out.matched ? "match" : "no match";
    }
    return out;
  }
}

// diagnostic shows one finding with its source line and a caret under
// the column (UTF-16 units, as the server computes it).
function diagnostic(d) {
  const box = el("div", { class: "diag " + d.severity, role: "alert" },
    el("p", {}, el("strong", {}, `${d.severity} ${d.code}`), d.line ? ` at line ${d.line}, column ${d.column + 1}: ` : ": ", d.reason));
  if (d.line) {
    box.append(el("pre", { class: "snippet", "aria-hidden": "true" }, d.text + "\n", el("span", { class: "caret" }, " ".repeat(d.column) + "^")));
  }
  if (d.hint) box.append(el("p", { class: "hint" }, "hint: " + d.hint));
  return box;
}

function pretty(s) {
  try { return JSON.stringify(JSON.parse(s), null, 2); } catch { return s; }
}
