/* The clerk's workbench: find a person (/api/persons/{id}), record an event (/web/api/events, a batch of one with
   the validation of ingest), list one's recent entries (/web/api/workbench/recent, ID numbers masked). */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const R = window.Renkou;
  const { T, el } = R;
  const codeLists = JSON.parse(document.getElementById("code-lists").textContent);
  const findForm = document.getElementById("find-form");
  const findMessage = document.getElementById("find-message");
  const personBox = document.getElementById("person");
  const recordMessage = document.getElementById("record-message");
  const typeSelect = document.getElementById("event-type");
  const STATE_KEYS = [
    "sex", "birth_date", "alive", "hukou_region", "residence_region", "urban_rural", "household_id", "relation",
    "education", "marital_status", "employment", "insurance", "housing", "permit_no",
  ];
  let shownId = null;

  function stateValue(key, state) {
    const value = state[key];
    if (value === null || value === undefined) return null;
    if (key === "alive") return value ? T("alive") : T("dead");
    if (key === "hukou_region" || key === "residence_region") return value + " " + (state[key + "_name"] || "");
    if (codeLists[key] && codeLists[key][value]) return codeLists[key][value];
    return String(value);
  }

  function renderPerson(person) {
    document.getElementById("person-name").textContent = person.name;
    document.getElementById("person-id").textContent = person.id_number;
    document.getElementById("person-masked").hidden = !person.identity_masked;
    const items = [];
    for (const key of STATE_KEYS) {
      const text = stateValue(key, person.state);
      if (text !== null) items.push(el("dt", {}, T("state." + key)), el("dd", { dataset: { key: key } }, text));
    }
    document.getElementById("person-state").replaceChildren(...items);
    const rows = person.events.map((event) =>
      el(
        "tr",
        { className: event.superseded ? "superseded" : "", dataset: { eventType: event.event_type } },
        el("td", {}, event.occurred_on),
        el("td", {}, T("event." + event.event_type)),
        el("td", {}, event.source),
        el("td", {}, R.localTime(event.recorded_at)),
        el("td", {}, Object.entries(event.attributes).map(([k, v]) => k + "=" + v).join("; ")),
      ),
    );
    document.querySelector("#history tbody").replaceChildren(...rows);
    personBox.hidden = false;
  }

  async function find(idNumber, reason) {
    R.hideMessage(findMessage);
    const query = reason ? "?reason=" + encodeURIComponent(reason) : "";
    try {
      const person = await R.getJSON("/api/persons/" + encodeURIComponent(idNumber) + query);
      shownId = idNumber;
      renderPerson(person);
    } catch (error) {
      personBox.hidden = true;
      shownId = null;
      R.showMessage(findMessage, error.message, "error");
    }
  }

  findForm.addEventListener("submit", function (event) {
    event.preventDefault();
    find(document.getElementById("find-id").value.trim(), document.getElementById("find-reason").value.trim());
  });

  /* ---- forms ------------------------------------------------------------------------------------------------- */
  function showForm() {
    for (const form of document.querySelectorAll(".event-form")) form.hidden = form.dataset.eventType !== typeSelect.value;
    R.hideMessage(recordMessage);
  }
  typeSelect.addEventListener("change", showForm);

  function outcomeMessage(body) {
    const parts = [el("strong", {}, T(body.status) + " ")];
    parts.push(T("event." + body.event_type) + " · " + body.id_number);
    if (body.record_no) parts.push(" · " + T("record_no") + " " + body.record_no);
    if (body.batch_id) parts.push(" · " + T("batch") + " " + body.batch_id);
    if (body.error) parts.push(el("div", {}, R.bilingual(body.error)));
    if (body.reasons && body.reasons.length) {
      parts.push(el("ul", {}, ...body.reasons.map((r) =>
        el("li", { dataset: { reason: r.code } }, (r.column ? r.column + ": " : "") + R.bilingual(r) + (r.value ? " (" + r.value + ")" : "")))));
    }
    if (body.findings && body.findings.length) {
      parts.push(el("div", {}, T("findings") + body.findings.map((f) => R.bilingual(f)).join("; ")));
    }
    return parts;
  }

  for (const form of document.querySelectorAll(".event-form")) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const values = {};
      for (const [name, value] of new FormData(form)) {
        if (String(value).trim()) values[name] = String(value).trim();
      }
      const payload = { event_type: form.dataset.eventType, values: values };
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true; // one click, one event
      try {
        const answer = await R.request("POST", "/web/api/events", payload);
        R.showMessage(recordMessage, outcomeMessage(answer.body), "ok");
        recordMessage.dataset.status = answer.body.status;
        form.reset();
        if (shownId && shownId === values.id_number) find(shownId, document.getElementById("find-reason").value.trim());
      } catch (error) {
        const body = error.body && error.body.status ? error.body : null;
        R.showMessage(recordMessage, body ? outcomeMessage(body) : error.message, "error");
        recordMessage.dataset.status = body ? body.status : "error";
      } finally {
        button.disabled = false;
      }
      loadRecent();
    });
  }

  /* ---- recent entries ---------------------------------------------------------------------------------------- */
  async function loadRecent() {
    try {
      const answer = await R.getJSON("/web/api/workbench/recent");
      const rows = answer.entries.map((entry) =>
        el(
          "tr",
          {},
          el("td", {}, R.localTime(entry.logged_at)),
          el("td", {}, el("code", {}, entry.id_number)),
          el("td", {}, entry.event_type ? T("event." + entry.event_type) : ""),
          el("td", {}, T(entry.status)),
          el("td", {}, entry.batch_id === null || entry.batch_id === undefined ? "" : String(entry.batch_id)),
        ),
      );
      document.querySelector("#recent tbody").replaceChildren(...rows);
    } catch (error) {
      /* the list is a convenience; the forms work without it */
    }
  }

  showForm();
  loadRecent();
});
