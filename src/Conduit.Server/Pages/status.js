// The dashboard: polls /status/data every 1.5 s and redraws. Data is inserted as text, never as HTML.
"use strict";
(() => {
  const { el } = conduit;
  const duration = ms => ms === null || ms === undefined ? "–" : ms < 1000 ? ms + " ms" : ms < 60000 ? (ms / 1000).toFixed(1) + " s" : Math.floor(ms / 60000) + " min " + Math.round((ms % 60000) / 1000) + " s";
  const cost = usd => usd === null || usd === undefined ? "–" : "$" + Number(usd).toFixed(4);
  const tokens = n => n === null || n === undefined ? "–" : String(n);
  const cls = status => ({ succeeded: "ok", completed: "ok", failed: "bad", timed_out: "bad", interrupted: "bad", canceled: "warn", cancelled: "warn", needs_attention: "warn" })[status] || "";
  function fill(id, rows, empty) {
    const body = document.getElementById(id);
    body.replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: "8", class: "muted" }, empty))]));
  }
  function decisionButton(runId, decision, label) {
    const button = el("button", { type: "button", "data-decision": decision }, label);
    button.addEventListener("click", async () => {
      button.disabled = true;
      const response = await fetch("/requests/" + encodeURIComponent(runId) + "/" + decision,
        { method: "POST", headers: conduit.headers({ "Content-Type": "application/json", "Accept": "application/json" }), body: "{}" });
      if (!response.ok) document.getElementById("status-error").textContent = decision + " failed: " + response.status;
      tick();
    });
    return button;
  }
  function render(data) {
    document.getElementById("runs-queued").textContent = data.runs.available ? data.runs.queued : "n/a";
    document.getElementById("runs-running").textContent = data.runs.available ? data.runs.running : "n/a";
    document.getElementById("chats-queued").textContent = data.chats.queued + (data.chats.max_queued !== undefined ? " / " + data.chats.max_queued : "");
    document.getElementById("chats-active").textContent = data.chats.active + (data.chats.max_active !== undefined ? " / " + data.chats.max_active : "");
    document.getElementById("updated").textContent = new Date(data.generated_at).toLocaleTimeString();
    document.getElementById("started").textContent = new Date(data.started_at).toLocaleString();
    fill("active-runs", data.runs.active.map(r => el("tr", { "data-run-id": r.run_id },
      el("td", { class: "mono" }, r.run_id), el("td", {}, r.project_id + " / " + r.policy_id),
      el("td", { class: cls(r.status) }, r.status), el("td", {}, "attempt " + r.attempt), el("td", {}, r.runner || "–"), el("td", {}, duration(r.duration_ms)))),
      data.runs.available ? "No run is queued or running." : "This daemon has no runs lane.");
    document.getElementById("cluster-section").hidden = !data.cluster;
    if (data.cluster) {
      fill("cluster-nodes", data.cluster.nodes.map(n => el("tr", { "data-node-id": n.node_id },
        el("td", { class: "mono" }, n.node_id + (n.is_current ? " (this daemon)" : "")),
        el("td", { class: n.state === "alive" ? "ok" : n.state === "overdue" ? "warn" : "bad" }, n.state),
        el("td", {}, n.last_check_in_at ? new Date(n.last_check_in_at).toLocaleTimeString() : "–"),
        el("td", { class: "mono" }, n.active_run_ids.length ? n.active_run_ids.join(", ") : "–"))),
        "No daemon has checked in yet.");
    }
    fill("recent-runs", data.runs.recent.map(r => el("tr", { "data-run-id": r.run_id },
      el("td", { class: "mono" }, r.run_id), el("td", {}, r.project_id + " / " + r.policy_id),
      el("td", { class: cls(r.status) }, r.status), el("td", {}, r.attempt), el("td", {}, duration(r.duration_ms)),
      el("td", {}, tokens(r.total_tokens)), el("td", {}, cost(r.cost_usd)), el("td", { class: "muted" }, r.failure_summary || ""))),
      "No runs yet.");
    fill("chats", data.chats.items.map(c => el("tr", { "data-thread-id": c.thread_id },
      el("td", { class: "mono" }, c.thread_id), el("td", {}, c.project_id || "–"), el("td", {}, c.runner),
      el("td", { class: cls(c.state) }, c.state + (c.outcome && c.outcome !== "succeeded" ? " (" + c.outcome + ")" : "")),
      el("td", {}, duration(c.duration_ms)), el("td", {}, tokens(c.total_tokens)), el("td", {}, cost(c.cost_usd)))),
      "No chats yet.");
    fill("pending-requests", (data.pending_requests || []).map(r => el("tr", { "data-request-id": r.run_id },
      el("td", { class: "mono" }, r.run_id), el("td", {}, el("pre", { class: "mono" }, r.review)),
      el("td", {}, new Date(r.expires_at).toLocaleTimeString()),
      el("td", {}, decisionButton(r.run_id, "approve", "Approve once"), " ", decisionButton(r.run_id, "deny", "Deny")))),
      "No request is waiting for review.");
    fill("providers", data.providers.map(p => el("tr", {},
      el("td", {}, p.provider), el("td", { class: p.installed ? "ok" : p.installed === false ? "bad" : "" }, p.installed === undefined ? "unknown" : p.installed ? "yes" : "no"),
      el("td", { class: "mono" }, p.executable_path ? p.executable_path + (p.version ? " (" + p.version + ")" : "") : (p.install_hint || "")))),
      "No runners registered.");
  }
  function renderFanOuts(fanouts) {
    fill("fanouts", fanouts.map(f => el("tr", { "data-fanout-id": f.fanout_id },
      el("td", { class: "mono" }, f.fanout_id), el("td", {}, f.task), el("td", {}, f.runners.join(", ")),
      el("td", { class: f.status === "failed" ? "bad" : f.status === "finished" ? "ok" : "" }, f.status),
      el("td", {}, f.finished + " / " + f.trials), el("td", {}, String(f.passed)), el("td", { class: "muted" }, f.winner || f.error || "–"))),
      "No fan-outs yet (POST /fanout).");
  }
  async function tick() {
    try {
      render(await conduit.getJson("/status/data"));
      renderFanOuts(await conduit.getJson("/fanouts"));
      document.getElementById("status-error").textContent = "";
    } catch (error) {
      document.getElementById("status-error").textContent = "Cannot load status: " + error.message;
    }
  }
  document.addEventListener("DOMContentLoaded", () => { tick(); setInterval(tick, 1500); });
})();
