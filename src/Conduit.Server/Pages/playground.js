// Forms that call POST /chat (with SSE output) and POST /runs (then follow GET /runs/{id}/events).
"use strict";
(() => {
  const value = id => document.getElementById(id).value.trim();
  function print(id, text) { const out = document.getElementById(id); out.textContent += text + "\n"; out.scrollTop = out.scrollHeight; }
  async function sendChat(event) {
    event.preventDefault();
    document.getElementById("chat-output").textContent = "";
    const body = { project_id: value("chat-project"), prompt: value("chat-prompt") };
    if (value("chat-provider")) body.runner = { provider: value("chat-provider"), model: value("chat-model") || null };
    if (value("chat-resume")) body.resume = value("chat-resume");
    const stream = document.getElementById("chat-stream").checked;
    const response = await fetch("/chat", { method: "POST", headers: conduit.headers({ "Content-Type": "application/json", "Accept": stream ? "text/event-stream" : "application/json" }), body: JSON.stringify(body) });
    if (!stream || !response.ok || !(response.headers.get("content-type") || "").startsWith("text/event-stream")) {
      print("chat-output", response.status + " " + JSON.stringify(await response.json(), null, 2));
      return;
    }
    await conduit.readEvents(response, (name, data) => {
      if (name === "agent") {
        const e = JSON.parse(data);
        print("chat-output", e.type === "text" ? "text: " + e.text : e.type + " " + data);
      } else if (name !== "stdout") {
        print("chat-output", name + (name === "comment" ? ": " : " ") + data);
      }
    });
  }
  async function submitRun(event) {
    event.preventDefault();
    document.getElementById("run-output").textContent = "";
    let input;
    try { input = JSON.parse(value("run-input") || "{}"); } catch (error) { print("run-output", "input is not JSON: " + error.message); return; }
    const headers = conduit.headers({ "Content-Type": "application/json" });
    if (value("run-key")) headers["Idempotency-Key"] = value("run-key");
    const response = await fetch("/runs", { method: "POST", headers, body: JSON.stringify({ project_id: value("run-project"), policy_id: value("run-policy"), input }) });
    const created = await response.json();
    print("run-output", response.status + " " + JSON.stringify(created, null, 2));
    if (!response.ok) return;
    const events = await fetch(created.events_url, { headers: conduit.headers({ "Accept": "text/event-stream" }) });
    await conduit.readEvents(events, (name, data, id) => print("run-output", (id ? "#" + id + " " : "") + name + " " + data));
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("chat-form").addEventListener("submit", sendChat);
    document.getElementById("run-form").addEventListener("submit", submitRun);
  });
})();
