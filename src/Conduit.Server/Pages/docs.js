// A small offline OpenAPI reference: renders /docs/json (paths, methods, parameters, bodies, responses, schemas).
"use strict";
(() => {
  const { el } = conduit;
  let doc = null;
  function resolve(schema) {
    if (schema && schema.$ref) {
      const name = schema.$ref.split("/").pop();
      return { name, schema: (doc.components && doc.components.schemas || {})[name] || {} };
    }
    return { name: null, schema: schema || {} };
  }
  function typeOf(schema) {
    if (!schema) return "any";
    if (schema.$ref) return schema.$ref.split("/").pop();
    if (schema.oneOf || schema.anyOf) return (schema.oneOf || schema.anyOf).map(typeOf).join(" | ");
    let type = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type || "object";
    if (schema.type === "array" || (Array.isArray(schema.type) && schema.type.includes("array"))) type = "array of " + typeOf(schema.items);
    if (schema.enum) type += " (" + schema.enum.join(", ") + ")";
    if (schema.format) type += " <" + schema.format + ">";
    return type;
  }
  function schemaTable(schema) {
    const { schema: s } = resolve(schema);
    const props = s.properties || {};
    const required = new Set(s.required || []);
    const names = Object.keys(props);
    if (!names.length) return el("p", { class: "mono" }, typeOf(schema));
    return el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Field"), el("th", {}, "Type"), el("th", {}, "Required"), el("th", {}, "Description"))),
      el("tbody", {}, ...names.map(n => el("tr", {},
        el("td", { class: "mono" }, n), el("td", { class: "mono" }, typeOf(props[n])), el("td", {}, required.has(n) ? "yes" : ""), el("td", { class: "muted" }, props[n].description || "")))));
  }
  function operation(path, method, op) {
    const section = el("section", { class: "operation", "data-path": path, "data-method": method });
    section.append(el("h2", {}, el("span", { class: "method " + method }, method.toUpperCase()), " ", el("code", {}, path), " ", el("span", { class: "muted" }, op.summary || "")));
    if (op.description) section.append(el("p", {}, op.description));
    const params = (op.parameters || []).map(p => p.$ref ? resolve(p).schema : p);
    if (params.length) {
      section.append(el("h3", {}, "Parameters"));
      section.append(el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Name"), el("th", {}, "In"), el("th", {}, "Type"), el("th", {}, "Required"))),
        el("tbody", {}, ...params.map(p => el("tr", {}, el("td", { class: "mono" }, p.name), el("td", {}, p.in), el("td", { class: "mono" }, typeOf(p.schema)), el("td", {}, p.required ? "yes" : ""))))));
    }
    if (op.requestBody && op.requestBody.content) {
      for (const [type, media] of Object.entries(op.requestBody.content)) {
        section.append(el("h3", {}, "Request body ", el("code", {}, type)));
        section.append(schemaTable(media.schema));
      }
    }
    const responses = Object.entries(op.responses || {});
    if (responses.length) {
      section.append(el("h3", {}, "Responses"));
      section.append(el("table", {}, el("tbody", {}, ...responses.map(([code, r]) => el("tr", {},
        el("td", { class: "mono" }, code), el("td", {}, r.description || ""),
        el("td", { class: "mono" }, Object.entries(r.content || {}).map(([t, m]) => t + (m.schema ? ": " + typeOf(m.schema) : "")).join("; ")))))));
    }
    return section;
  }
  async function load() {
    try {
      const response = await fetch("/docs/json");
      doc = await response.json();
      document.getElementById("docs-title").textContent = doc.info.title + " " + doc.info.version + " (OpenAPI " + doc.openapi + ")";
      document.getElementById("docs-description").textContent = doc.info.description || "";
      const operations = document.getElementById("docs-operations");
      for (const [path, item] of Object.entries(doc.paths || {})) {
        for (const method of ["get", "post", "put", "patch", "delete"]) {
          if (item[method]) operations.append(operation(path, method, item[method]));
        }
      }
      const schemas = document.getElementById("docs-schemas");
      for (const name of Object.keys((doc.components && doc.components.schemas) || {}).sort()) {
        schemas.append(el("details", { id: "schema-" + name }, el("summary", { class: "mono" }, name), schemaTable({ $ref: "#/components/schemas/" + name })));
      }
    } catch (error) {
      document.getElementById("docs-error").textContent = "Cannot load the OpenAPI document: " + error.message;
    }
  }
  document.addEventListener("DOMContentLoaded", load);
})();
