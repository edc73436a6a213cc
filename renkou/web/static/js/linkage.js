/* The clerk's linkage review page: each pair (department row | register person) side by side, IDs masked, and the
   decision (match re-files the row under the person; non-match leaves it unlinked). Data: /web/api/linkage/queue. */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const R = window.Renkou;
  const { T, el } = R;
  const box = document.getElementById("link-pairs");
  const message = document.getElementById("link-message");
  const FIELDS = ["id", "name", "sex", "birth_date", "hukou_region", "residence_region", "event_type", "occurred_on", "permit_no"];

  function side(title, values) {
    const rows = FIELDS.filter((k) => k in values).map((k) => {
      const value = values[k] === null || values[k] === undefined ? "—" : String(values[k]);
      return el("tr", { dataset: { field: k } }, el("th", {}, T("link.f." + k)), el("td", {}, value));
    });
    return el("table", { className: "data pair-side" }, el("caption", {}, title), el("tbody", {}, ...rows));
  }

  async function decide(pair, accept, card, note) {
    R.hideMessage(message);
    try {
      const answer = (await R.request("POST", "/web/api/linkage/decide", {
        run_id: pair.run_id, batch_id: pair.batch_id, line: pair.line, accept: accept, note: note.value.trim(),
      })).body;
      let text = accept ? T("link.matched") : T("link.rejected");
      if (answer.refiled) {
        text += " " + T("link.refiled").replace("{batch}", answer.refiled.batch_id);
        if (answer.refiled.quarantined) text += " " + T("link.requarantined");
      }
      R.showMessage(message, text, "ok");
      card.remove();
    } catch (error) {
      R.showMessage(message, error.message || String(error), "error");
    }
  }

  function card(pair) {
    const note = el("input", { className: "link-note", maxLength: 200, placeholder: T("link.note") });
    const node = el("section", { className: "link-pair", dataset: { batch: pair.batch_id, line: pair.line } },
      el("h2", {}, pair.file_name + " · " + T("link.line") + " " + pair.line + " · " +
        T("link.probability") + " " + R.fmt(pair.probability, 4)),
      el("div", { className: "pair" }, side(T("link.row"), pair.row), side(T("link.person"), pair.person)),
      el("div", { className: "controls" }, note));
    const yes = el("button", { type: "button", className: "link-accept" }, T("link.accept"));
    const no = el("button", { type: "button", className: "link-reject secondary" }, T("link.reject"));
    yes.addEventListener("click", () => decide(pair, true, node, note));
    no.addEventListener("click", () => decide(pair, false, node, note));
    node.querySelector(".controls").append(yes, no);
    return node;
  }

  async function load() {
    try {
      const answer = await R.getJSON("/web/api/linkage/queue");
      document.getElementById("link-total").textContent = T("link.total").replace("{n}", R.fmt(answer.total));
      box.replaceChildren(...answer.pairs.map(card));
      if (!answer.pairs.length) box.append(el("p", { id: "link-empty" }, T("link.empty")));
    } catch (error) {
      R.showMessage(message, error.message || String(error), "error");
    }
  }

  load();
});
