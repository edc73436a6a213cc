/* Shared helpers of the renkou pages: texts in the page language, JSON requests with the CSRF header, number
   formatting, small DOM builders. No inline scripts anywhere: the service's Content-Security-Policy forbids them. */
"use strict";

(function () {
  const root = document.documentElement;
  const lang = root.dataset.lang === "en" ? "en" : "zh";
  let messages = {};
  try {
    messages = JSON.parse(document.getElementById("renkou-messages").textContent);
  } catch (error) {
    messages = {};
  }

  function T(key) {
    return Object.prototype.hasOwnProperty.call(messages, key) ? messages[key] : key;
  }

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  /* The message of an API error body {"error": {"code", "zh", "en"}} in the page language. */
  function errorText(body, status) {
    if (body && body.error) {
      return lang === "zh" ? body.error.zh : body.error.en;
    }
    if (body && body.detail) {
      return Array.isArray(body.detail) ? body.detail.map((d) => d.msg).join("; ") : String(body.detail);
    }
    return T("error") + " (HTTP " + status + ")";
  }

  class RequestError extends Error {
    constructor(status, body) {
      super(errorText(body, status));
      this.status = status;
      this.body = body;
    }
  }

  async function request(method, url, body, isForm) {
    const headers = { Accept: "application/json" };
    const options = { method: method, headers: headers, credentials: "same-origin" };
    if (method !== "GET") {
      headers["X-CSRF-Token"] = csrfToken();
    }
    if (body !== undefined) {
      if (isForm) {
        options.body = body;
      } else {
        headers["Content-Type"] = "application/json";
        options.body = JSON.stringify(body);
      }
    }
    const response = await fetch(url, options);
    let parsed = null;
    const type = response.headers.get("content-type") || "";
    if (type.includes("json")) {
      parsed = await response.json();
    }
    if (!response.ok) {
      throw new RequestError(response.status, parsed);
    }
    return { status: response.status, body: parsed };
  }

  async function getJSON(url) {
    return (await request("GET", url)).body;
  }

  const numberFormat = new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en-GB");

  function fmt(value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) {
      return "—";
    }
    if (digits === undefined) {
      return numberFormat.format(Math.round(value));
    }
    return new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en-GB", {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  }

  function percent(value, digits) {
    if (value === null || value === undefined) {
      return "—";
    }
    return fmt(value * 100, digits === undefined ? 1 : digits) + "%";
  }

  /* el("td", {className: "num"}, "text", child, ...) */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === "className") {
        node.className = value;
      } else if (name === "dataset") {
        Object.assign(node.dataset, value);
      } else if (value !== null && value !== undefined && value !== false) {
        node.setAttribute(name, value === true ? "" : value);
      }
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function showMessage(node, text, kind) {
    node.hidden = false;
    node.className = "message" + (kind ? " " + kind : "");
    node.replaceChildren(...(Array.isArray(text) ? text : [text]));
  }

  function hideMessage(node) {
    node.hidden = true;
    node.replaceChildren();
  }

  /* A time from the service (UTC, with or without a zone) in the browser's own time zone: "YYYY-MM-DD HH:mm:ss". */
  function localTime(text) {
    if (!text) return "";
    const stamp = /[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : text + "Z";
    const moment = new Date(stamp);
    if (Number.isNaN(moment.getTime())) return String(text);
    const pad = (n) => String(n).padStart(2, "0");
    return moment.getFullYear() + "-" + pad(moment.getMonth() + 1) + "-" + pad(moment.getDate()) + " " +
      pad(moment.getHours()) + ":" + pad(moment.getMinutes()) + ":" + pad(moment.getSeconds());
  }

  /* ECharts tooltip settings: drawn on the canvas ("richText"), because the default HTML tooltip writes inline
     style attributes, which the service's Content-Security-Policy refuses. Lines are separated by "\n". */
  function tooltip(settings) {
    return Object.assign({ renderMode: "richText", confine: true }, settings);
  }

  function bilingual(pair) {
    if (!pair) return "";
    if (Array.isArray(pair)) return lang === "zh" ? pair[0] : pair[1];
    return lang === "zh" ? pair.zh : pair.en;
  }

  async function logout() {
    try {
      await request("POST", "/api/auth/logout");
    } catch (error) {
      /* an expired session is as good as a logged-out one */
    }
    window.location.assign("/");
  }

  document.addEventListener("DOMContentLoaded", function () {
    const button = document.getElementById("logout");
    if (button) button.addEventListener("click", logout);
  });

  window.Renkou = {
    lang: lang,
    T: T,
    request: request,
    getJSON: getJSON,
    RequestError: RequestError,
    errorText: errorText,
    fmt: fmt,
    percent: percent,
    el: el,
    showMessage: showMessage,
    hideMessage: hideMessage,
    bilingual: bilingual,
    localTime: localTime,
    tooltip: tooltip,
  };
})();
