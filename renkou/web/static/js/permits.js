/* The clerk's permit page: check an application (/api/permits/apply), issue, endorse, restore, replace, cancel, a
   resident's status, the due and overdue lists of the clerk's districts (IDs masked) and recording the suspensions. */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const R = window.Renkou;
  const { T, el } = R;
  const form = document.getElementById("permit-form");
  const message = document.getElementById("permit-message");
  const stateBox = document.getElementById("permit-state");

  function fill(text, values) {
    return Object.entries(values).reduce((out, [k, v]) => out.replace("{" + k + "}", v), T(text));
  }

  function fields() {
    const body = { id_number: form.querySelector('[name="id_number"]').value.trim() };
    const on = form.querySelector('[name="on"]').value;
    if (on) body.on = on;
    return body;
  }

  function bases() {
    return Array.from(form.querySelectorAll('input[name="basis"]:checked')).map((box) => box.value);
  }

  function showState(state) {
    const facts = [["pmt.status", T("pmt.st." + state.status)]];
    if (state.permit_no) facts.push(["pmt.permit_no", state.permit_no]);
    if (state.status === "valid") facts.push(["pmt.years", String(state.years) + (state.counting_from ? " (" + state.counting_from + ")" : "")]);
    if (state.next_endorsement) {
      const w = state.next_endorsement;
      facts.push(["pmt.next", w.opens + " — " + w.due]);
    }
    document.getElementById("permit-facts").replaceChildren(...facts.flatMap(([k, v]) =>
      [el("dt", {}, T(k)), el("dd", { dataset: { key: k } }, v)]));
    document.getElementById("permit-services").replaceChildren(...(state.services || []).map((s) => el("li", {}, R.bilingual(s))));
    document.getElementById("permit-history").replaceChildren(...(state.history || []).map((step) =>
      el("li", { dataset: { kind: step.kind } }, step.on + " " + R.bilingual(step))));
    stateBox.hidden = false;
  }

  function showConditions(conditions) {
    document.getElementById("permit-conditions").replaceChildren(...conditions.map((c) =>
      el("li", { dataset: { met: c.met ? "yes" : "no", key: c.key } }, (c.met ? "✓ " : "✗ ") + R.bilingual(c))));
  }

  async function act(kind) {
    R.hideMessage(message);
    stateBox.hidden = true;
    showConditions([]);
    const body = fields();
    try {
      if (kind === "status") {
        const query = body.on ? "?on=" + encodeURIComponent(body.on) : "";
        const answer = await R.getJSON("/api/permits/status/" + encodeURIComponent(body.id_number) + query);
        showState(answer);
        R.showMessage(message, answer.id + " · " + T("pmt.st." + answer.status), "ok");
        return;
      }
      if (kind === "apply") {
        const answer = (await R.request("POST", "/api/permits/apply",
          Object.assign(body, { basis: bases(), record: document.getElementById("permit-record").checked }))).body;
        showConditions(answer.conditions);
        stateBox.hidden = false;
        const text = answer.eligible
          ? T("pmt.eligible") + " · " + fill("pmt.issue_by", { due: answer.issue_due, latest: answer.issue_latest }) +
            (answer.recorded ? " · " + T("pmt.recorded") : "")
          : T("pmt.not_eligible");
        R.showMessage(message, answer.id + " · " + text, answer.eligible ? "ok" : "error");
        message.dataset.outcome = answer.eligible ? "eligible" : "not_eligible";
        return;
      }
      if (kind === "issue") {
        const permitNo = form.querySelector('[name="permit_no"]').value.trim();
        const answer = (await R.request("POST", "/api/permits/issue",
          Object.assign(body, { basis: bases() }, permitNo ? { permit_no: permitNo } : {}))).body;
        showState(answer.state);
        R.showMessage(message, T("pmt.issued") + " " + answer.permit_no + " · " + answer.id + " · " +
          fill("pmt.fee", { fee: answer.fee }), "ok");
        message.dataset.outcome = "issued";
        return;
      }
      if (kind === "restore") {
        const answer = (await R.request("POST", "/api/permits/restore", body)).body;
        showState(answer.state);
        R.showMessage(message, T("pmt.restored") + " · " + answer.id, "ok");
        message.dataset.outcome = "restored";
        return;
      }
      if (kind === "replace") {
        const permitNo = form.querySelector('[name="permit_no"]').value.trim();
        const answer = (await R.request("POST", "/api/permits/replace",
          Object.assign(body, permitNo ? { permit_no: permitNo } : {}))).body;
        showState(answer.state);
        R.showMessage(message, fill("pmt.replaced", { old: answer.old_permit_no, new: answer.permit_no }) + " · " +
          answer.id, "ok");
        message.dataset.outcome = "replaced";
        return;
      }
      if (kind === "cancel") {
        const departed = document.getElementById("permit-departed").checked;
        if (!window.confirm(fill("pmt.confirm_cancel", { id: body.id_number }))) return;
        const answer = (await R.request("POST", "/api/permits/cancel", Object.assign(body, { departed: departed }))).body;
        showState(answer.state);
        R.showMessage(message, T("pmt.cancelled") + " " + (answer.state.permit_no || "") + " · " + answer.id +
          (answer.departed ? " · " + T("pmt.departed") : ""), "ok");
        message.dataset.outcome = "cancelled";
        return;
      }
      const answer = (await R.request("POST", "/api/permits/endorse", body)).body;
      showState(answer.state);
      R.showMessage(message, T("pmt.endorsed") + " · " + answer.id + (answer.late ? " · " + T("pmt.late") : ""), "ok");
      message.dataset.outcome = answer.late ? "endorsed_late" : "endorsed";
    } catch (error) {
      R.showMessage(message, error.message, "error");
      message.dataset.outcome = "error";
    }
  }

  for (const button of form.querySelectorAll("button[data-act]")) {
    button.addEventListener("click", () => {
      if (!form.reportValidity()) return;
      act(button.dataset.act);
    });
  }

  async function showList(kind) {
    const list = document.getElementById("list-form");
    const params = new URLSearchParams({ district: list.querySelector('[name="district"]').value });
    if (list.querySelector('[name="on"]').value) params.set("on", list.querySelector('[name="on"]').value);
    if (kind === "due") params.set("within", list.querySelector('[name="within"]').value || "0");
    const table = document.getElementById("permit-list");
    try {
      const answer = await R.getJSON("/api/permits/" + kind + "?" + params.toString());
      const last = kind === "due" ? ["pmt.days_left", "days_left"] : ["pmt.days_overdue", "days_overdue"];
      const columns = [["pmt.district", null], ["pmt.id", "id"], ["pmt.permit_no", "permit_no"], ["pmt.year", "year"],
        ["pmt.opens", "window_opens"], ["pmt.due", "due"], last];
      table.querySelector("thead tr").replaceChildren(...columns.map(([k]) => el("th", {}, T(k))));
      const rows = [];
      for (const [code, group] of Object.entries(answer.districts)) {
        for (const permit of group.permits) {
          rows.push(el("tr", { dataset: { kind: kind } }, el("td", {}, code + " " + group.name),
            ...columns.slice(1).map(([, key]) => el("td", {}, key === "id" ? el("code", {}, permit[key]) : String(permit[key] ?? "")))));
        }
      }
      table.querySelector("tbody").replaceChildren(...rows);
      const total = document.getElementById("list-total");
      total.textContent = T(kind === "due" ? "pmt.due_list" : "pmt.overdue_list") + " · " + fill("pmt.total", { n: answer.total });
      total.dataset.total = String(answer.total);
    } catch (error) {
      document.getElementById("list-total").textContent = error.message;
    }
  }

  for (const button of document.querySelectorAll("button[data-list]")) {
    button.addEventListener("click", () => showList(button.dataset.list));
  }

  document.getElementById("list-suspend").addEventListener("click", async () => {
    const list = document.getElementById("list-form");
    const body = { district: list.querySelector('[name="district"]').value };
    if (list.querySelector('[name="on"]').value) body.on = list.querySelector('[name="on"]').value;
    const total = document.getElementById("list-total");
    try {
      const answer = (await R.request("POST", "/api/permits/suspend", body)).body;
      await showList("overdue");
      total.textContent = fill("pmt.suspensions", { suspended: answer.suspended, recorded: answer.recorded }) +
        " · " + total.textContent;
      total.dataset.recorded = String(answer.recorded);  // set last: the list is drawn by now
    } catch (error) {
      total.textContent = error.message;
    }
  });
});
