// Shared by the pages: the bearer token (kept in this tab's sessionStorage only) and fetch helpers.
"use strict";
const conduit = (() => {
  const key = "conduit.token";
  function token() { return sessionStorage.getItem(key) || ""; }
  function headers(extra) {
    const h = Object.assign({}, extra || {});
    if (token()) h["Authorization"] = "Bearer " + token();
    return h;
  }
  async function getJson(path) {
    const response = await fetch(path, { headers: headers({ "Accept": "application/json" }) });
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail || body.error || response.statusText);
    return body;
  }
  // Reads a text/event-stream response and calls onEvent(name, data, id) per event.
  async function readEvents(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = "message", id = null; const data = [];
        for (const line of frame.split("\n")) {
          if (line.startsWith(":")) { onEvent("comment", line.slice(1).trim(), null); continue; }
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") name = val; else if (field === "data") data.push(val); else if (field === "id") id = val;
        }
        if (data.length) onEvent(name, data.join("\n"), id);
      }
    }
  }
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  function wireTokenInput() {
    const input = document.getElementById("token");
    if (!input) return;
    input.value = token();
    input.addEventListener("change", () => { sessionStorage.setItem(key, input.value.trim()); });
  }
  document.addEventListener("DOMContentLoaded", wireTokenInput);
  return { token, headers, getJson, readEvents, el };
})();
