/* Disclosure pages: the public's filing and status look-up, the officer's desk and request page.
   Data come from /api/disclosure/...; no inline scripts (the Content-Security-Policy forbids them). */
"use strict";

(function () {
  const R = window.Renkou;
  const { el, T } = R;
  const page = document.body.dataset.page;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, key) => (key in values ? values[key] : ""));
  }

  function formValues(form) {
    const values = {};
    for (const [name, value] of new FormData(form).entries()) {
      if (name === "grounds") {
        (values.grounds = values.grounds || []).push(value);
      } else if (value !== "") {
        values[name] = value;
      }
    }
    return values;
  }

  function stateName(code) {
    return T("disc.state." + code);
  }

  function facts(node, pairs) {
    node.replaceChildren();
    for (const [label, value] of pairs) {
      if (value === null || value === undefined || value === "") continue;
      node.append(el("dt", {}, label), el("dd", {}, String(value)));
    }
  }

  function lang() {
    return R.lang === "en" ? "?lang=en" : "";
  }

  /* --- the public: file online ------------------------------------------------------------------------------- */
  function applyPage() {
    const form = document.getElementById("apply-form");
    const message = document.getElementById("apply-message");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const v = formValues(form);
      const body = {
        applicant: {
          kind: v.kind, name: v.name, id_type: v.id_type || "居民身份证", id_number: v.id_number,
          phone: v.phone || "", email: v.email || "", address: v.address || "",
        },
        description: v.description, form_wanted: v.form_wanted, medium: v.medium,
      };
      try {
        const result = (await R.request("POST", "/api/disclosure/public/requests", body)).body;
        const link = el("a", { href: "/disclosure/status?no=" + encodeURIComponent(result.request_no), id: "filed-status" },
          document.getElementById("status-link").textContent);
        R.showMessage(message, [
          el("span", { id: "filed-text" }, fill(T("disc.filed"), { no: result.request_no, secret: result.secret })),
          el("br"), R.bilingual(result.receipt_rule), el("br"), link,
        ], "ok");
        message.dataset.requestNo = result.request_no;
        message.dataset.secret = result.secret;
        form.reset();
      } catch (error) {
        R.showMessage(message, error.message, "error");
      }
    });
  }

  /* --- the public: status ------------------------------------------------------------------------------------ */
  function statusPage() {
    const form = document.getElementById("status-form");
    const message = document.getElementById("status-message");
    const result = document.getElementById("status-result");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      R.hideMessage(message);
      result.hidden = true;
      try {
        const data = (await R.request("POST", "/api/disclosure/public/status" + lang(), formValues(form))).body;
        facts(result, [
          [T("disc.no"), data.request_no],
          [T("disc.state"), data.state_name],
          [T("disc.received"), data.received_on || T("disc.not_yet")],
          [T("disc.due"), data.answer_due ? data.answer_due + (data.provisional ? " " + T("disc.provisional") : "") : null],
          [T("disc.response"), data.response_name],
        ]);
        result.dataset.state = data.state;
        result.hidden = false;
      } catch (error) {
        R.showMessage(message, error.message, "error");
      }
    });
  }

  /* --- the officer's desk -------------------------------------------------------------------------------------- */
  /* Received and concluded per month of the year, and how many of them ran late (drawn when ECharts is built). */
  function drawMonths(rows) {
    const node = document.getElementById("months-chart");
    if (!node || typeof echarts === "undefined") return;
    const year = node.dataset.year;
    const received = new Array(12).fill(0);
    const concluded = new Array(12).fill(0);
    const late = new Array(12).fill(0);
    const closing = { answered: true, withdrawn: true };
    for (const r of rows) {
      if (r.received_on && r.received_on.startsWith(year)) received[Number(r.received_on.slice(5, 7)) - 1] += 1;
      const last = r.events.length ? r.events[r.events.length - 1] : null;
      if (last && closing[last.kind] && last.on.startsWith(year)) {
        const month = Number(last.on.slice(5, 7)) - 1;
        concluded[month] += 1;
        if (r.overdue) late[month] += 1;
      }
    }
    const months = received.map((_, i) => String(i + 1) + (R.lang === "zh" ? "月" : ""));
    const chart = echarts.getInstanceByDom(node) || echarts.init(node, null, { renderer: "canvas" });
    chart.setOption({
      tooltip: R.tooltip({ trigger: "axis" }),
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 32, bottom: 28 },
      xAxis: { type: "category", data: months },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: T("disc.received_count"), type: "bar", data: received },
        { name: T("disc.concluded_count"), type: "bar", data: concluded },
        { name: T("disc.overdue_count"), type: "line", data: late },
      ],
    });
    node.dataset.drawn = "true";
    node.dataset.received = String(received.reduce((a, b) => a + b, 0));
  }

  async function loadRequests() {
    const body = document.querySelector("#requests tbody");
    const rows = await R.getJSON("/api/disclosure/requests" + lang());
    drawMonths(rows);
    body.replaceChildren();
    for (const r of rows) {
      const flag = r.overdue ? "overdue" : r.near_due ? "near-due" : "";
      const state = el("td", {}, r.state_name);
      if (flag) state.append(el("span", { className: "flag " + flag }, T(flag === "overdue" ? "disc.overdue" : "disc.near_due")));
      body.append(el("tr", { className: flag, dataset: { no: r.request_no, state: r.state } },
        el("td", {}, el("a", { href: "/disclosure?no=" + r.request_no + (R.lang === "en" ? "&lang=en" : "") }, r.request_no)),
        el("td", {}, r.name_masked + " · " + r.applicant_kind_name),
        el("td", {}, r.channel_name),
        el("td", {}, r.received_on || T("disc.not_yet")),
        state,
        el("td", {}, (r.answer_due || r.next_due || "—") + (r.provisional ? " *" : "")),
        el("td", { className: "num" }, r.working_days_left === null ? "—" : String(r.working_days_left)),
        el("td", {}, r.description.length > 40 ? r.description.slice(0, 40) + "…" : r.description),
      ));
    }
  }

  async function loadPublications() {
    const body = document.querySelector("#publications tbody");
    const rows = await R.getJSON("/api/disclosure/publications" + lang());
    body.replaceChildren();
    for (const p of rows) {
      body.append(el("tr", { className: p.late ? "late" : "" },
        el("td", {}, String(p.item_no)), el("td", {}, p.title + (p.source_name ? " · " + p.source_name : "")), el("td", {}, p.category_name),
        el("td", {}, p.formed_on), el("td", {}, p.due), el("td", {}, p.published_on),
        el("td", {}, el("span", { className: p.late ? "flag late" : "" }, p.late ? T("disc.late") + " +" + p.late_working_days : T("disc.on_time"))),
      ));
    }
  }

  async function loadAppeals() {
    const body = document.querySelector("#appeals tbody");
    const kinds = {}, outcomes = {};
    for (const o of document.querySelectorAll("#ap-kind option")) kinds[o.value] = o.textContent;
    for (const o of document.querySelectorAll("#ap-outcome option")) outcomes[o.value] = o.textContent;
    const rows = await R.getJSON("/api/disclosure/appeals");
    body.replaceChildren(...rows.map((a) => el("tr", { dataset: { no: String(a.appeal_no), outcome: a.outcome } },
      el("td", {}, String(a.appeal_no)), el("td", {}, kinds[a.kind] || a.kind), el("td", {}, a.filed_on),
      el("td", {}, outcomes[a.outcome] || a.outcome), el("td", {}, a.decided_on || "—"), el("td", {}, a.request_no || "—"))));
  }

  function appealForms() {
    const message = document.getElementById("appeal-message");
    const form = document.getElementById("appeal-form");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const result = (await R.request("POST", "/api/disclosure/appeals", formValues(form))).body;
        R.showMessage(message, T("disc.saved") + " " + result.appeal_no, "ok");
        await loadAppeals();
      } catch (error) {
        R.showMessage(message, error.message, "error");
      }
    });
    const decision = document.getElementById("decision-form");
    decision.addEventListener("submit", async (event) => {
      event.preventDefault();
      const v = formValues(decision);
      try {
        await R.request("POST", "/api/disclosure/appeals/" + encodeURIComponent(v.appeal_no) + "/decision",
          { outcome: v.outcome, decided_on: v.decided_on });
        R.showMessage(message, T("disc.saved"), "ok");
        await loadAppeals();
      } catch (error) {
        R.showMessage(message, error.message, "error");
      }
    });
    loadAppeals().catch((error) => R.showMessage(message, error.message, "error"));
  }

  function deskPage() {
    appealForms();
    const logForm = document.getElementById("log-form");
    const logMessage = document.getElementById("log-message");
    logForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const v = formValues(logForm);
      const body = {
        channel: v.channel, submitted: v.submitted, signed_for: v.signed_for, confirmed: v.confirmed,
        applicant: {
          kind: v.kind, name: v.name, id_type: v.id_type || "居民身份证", id_number: v.id_number,
          phone: v.phone || "", email: v.email || "", address: v.address || "",
        },
        description: v.description,
      };
      try {
        const result = (await R.request("POST", "/api/disclosure/requests", body)).body;
        R.showMessage(logMessage, fill(T("disc.logged"), { no: result.request_no }) + " · " + result.secret, "ok");
        logForm.reset();
        await loadRequests();
      } catch (error) {
        R.showMessage(logMessage, error.message, "error");
      }
    });
    const pubForm = document.getElementById("pub-form");
    const pubMessage = document.getElementById("pub-message");
    pubForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const result = (await R.request("POST", "/api/disclosure/publications", formValues(pubForm))).body;
        R.showMessage(pubMessage, result.late ? T("disc.late") + " (" + result.due + ")" : T("disc.on_time"), result.late ? "error" : "ok");
        await loadPublications();
      } catch (error) {
        R.showMessage(pubMessage, error.message, "error");
      }
    });
    loadRequests().catch((error) => R.showMessage(logMessage, error.message, "error"));
    loadPublications().catch((error) => R.showMessage(pubMessage, error.message, "error"));
  }

  /* --- one request ------------------------------------------------------------------------------------------------ */
  function requestPage() {
    const number = document.getElementById("request-no").dataset.no;
    const base = "/api/disclosure/requests/" + number;
    const message = document.getElementById("request-message");

    function show(r) {
      const badge = document.getElementById("request-state");
      badge.textContent = r.state_name + (r.overdue ? " · " + T("disc.overdue") : r.near_due ? " · " + T("disc.near_due") : "");
      badge.dataset.state = r.state;
      facts(document.getElementById("request-facts"), [
        [T("disc.received"), r.received_on || T("disc.not_yet")],
        [T("disc.due"), r.answer_due ? r.answer_due + (r.provisional ? " " + T("disc.provisional") : "") : null],
        ["", r.receipt_rule],
        ["", r.name_masked + " · " + r.applicant_kind_name + " · " + r.id_masked],
        ["", r.description],
        ["", r.form_wanted + " · " + r.medium],
        [T("disc.response"), r.response_name],
      ]);
      if (r.applicant) {
        const a = r.applicant;
        facts(document.getElementById("applicant-full"), [
          ["", a.name], ["", a.id_type + " " + a.id_number], ["", a.phone], ["", a.email], ["", a.address],
        ]);
      }
      const timeline = document.getElementById("timeline");
      timeline.replaceChildren(...r.events.map((e) =>
        el("li", { dataset: { kind: e.kind } }, e.on + " · " + T("disc.ev." + e.kind) + (e.recorded_by ? " (" + e.recorded_by + ")" : ""))));
      /* Offer only what the regulation allows next; letters once they exist. */
      const allowed = new Set(r.allowed);
      if (r.state === "awaiting_receipt") allowed.add("confirm");
      const select = document.getElementById("e-kind");
      for (const option of select.options) option.disabled = !allowed.has(option.value);
      if (select.selectedOptions.length && select.selectedOptions[0].disabled) {
        const first = Array.from(select.options).find((o) => !o.disabled);
        if (first) select.value = first.value;
      }
      document.getElementById("reply-submit").disabled = !allowed.has("answered");
      document.getElementById("fee-submit").disabled = !allowed.has("fee_notice_sent");
      const answered = r.state === "answered";
      const charged = r.events.some((e) => e.kind === "fee_notice_sent");
      for (const id of ["letter-reply-docx", "letter-reply-pdf"]) document.getElementById(id).parentElement.hidden = !answered;
      for (const id of ["letter-fee-docx", "letter-fee-pdf"]) document.getElementById(id).parentElement.hidden = !charged;
      document.getElementById("trail").replaceChildren(...r.trail.map((s) => el("li", {}, s.text)));
      for (const w of r.warnings) R.showMessage(message, w, "error");
    }

    async function load() {
      show(await R.getJSON(base + lang()));
    }

    async function post(url, body, after) {
      try {
        const result = (await R.request("POST", url + lang(), body)).body;
        R.showMessage(message, T("disc.saved"), "ok");
        if (after) after(result);
        await load();
      } catch (error) {
        R.showMessage(message, error.message, "error");
      }
    }

    const eventForm = document.getElementById("event-form");
    eventForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const v = formValues(eventForm);
      if (v.days) v.days = Number(v.days);
      post(base + "/events", v);
    });
    const replyForm = document.getElementById("reply-form");
    replyForm.addEventListener("submit", (event) => {
      event.preventDefault();
      post(base + "/reply", formValues(replyForm));
    });
    const feeForm = document.getElementById("fee-form");
    feeForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const v = formValues(feeForm);
      if (v.pages !== undefined) v.pages = Number(v.pages);
      post(base + "/fee", v, (result) => {
        const notice = document.getElementById("fee-notice");
        notice.textContent = result.notice;
        notice.hidden = false;
      });
    });
    load().catch((error) => R.showMessage(message, error.message, "error"));
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (page === "disclosure-apply") applyPage();
    else if (page === "disclosure-status") statusPage();
    else if (page === "disclosure-desk") deskPage();
    else if (page === "disclosure-request") requestPage();
  });
})();
