/* The points officer's page: score one applicant (/api/points/score), rank a round (/api/points/rounds), open a
   stored round with its ranking, public list, objections and history, publish the list, record and decide
   objections. IDs and names arrive masked; the page never shows a full ID it did not send. */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const R = window.Renkou;
  const { T, el } = R;
  const ruleSets = JSON.parse(document.getElementById("rule-sets").textContent);
  const byName = Object.fromEntries(ruleSets.map((rs) => [rs.name, rs]));
  const today = document.getElementById("objection-on").value;
  let openRound = null;

  function label(pair) {
    return R.lang === "zh" ? pair.zh : pair.en;
  }

  function head(table, columns) {
    table.querySelector("thead tr").replaceChildren(...columns.map((c) => el("th", {}, T(c))));
  }

  function fmtPoints(value) {
    return value === null || value === undefined ? "—" : String(Number(value));
  }

  /* ---- scoring ------------------------------------------------------------------------------------------------ */
  const scoreRules = document.getElementById("score-rules");
  const inputsBox = document.getElementById("score-inputs");

  function control(input) {
    const id = "in-" + input.name;
    let field;
    if (input.type === "level") {
      field = el("select", { id: id, name: input.name },
        el("option", { value: "" }, input.default !== null ? "(" + input.default + ")" : ""),
        ...input.levels.map((lv) => el("option", { value: lv.code }, label(lv))));
    } else if (input.type === "flag") {
      field = el("select", { id: id, name: input.name },
        el("option", { value: "" }, input.default !== null ? "(" + (input.default ? T("pts.yes") : T("pts.no")) + ")" : ""),
        el("option", { value: "true" }, T("pts.yes")), el("option", { value: "false" }, T("pts.no")));
    } else {
      field = el("input", {
        id: id, name: input.name, type: input.type === "text" ? "text" : "number", step: "any",
        min: input.min, max: input.max, placeholder: input.default !== null ? String(input.default) : "",
      });
    }
    const verified = el("label", { className: "note" },
      el("input", { type: "checkbox", name: "verified", value: input.name, dataset: { input: input.name } }),
      " " + T("pts.verified"));
    const register = input.from_register ? el("span", { className: "note" }, " · " + T("pts.from_register")) : null;
    return [el("label", { for: id }, label(input)), el("span", {}, field, " ", verified, register)];
  }

  function showInputs() {
    const rules = byName[scoreRules.value];
    inputsBox.replaceChildren(...rules.inputs.flatMap(control));
  }
  scoreRules.addEventListener("change", showInputs);

  function renderExplanation(answer) {
    const gates = document.getElementById("gates");
    head(gates, ["pts.gate", "pts.evidence", "pts.source", "pts.result"]);
    gates.querySelector("tbody").replaceChildren(...answer.gates.map((g) =>
      el("tr", { dataset: { gate: g.gate } }, el("td", {}, label(g)), el("td", {}, g.evidence),
        el("td", { dataset: { source: g.source } }, T("pts.src." + g.source)),
        el("td", {}, g.passed ? T("pts.pass") : T("pts.fail")))));
    const lines = document.getElementById("lines");
    head(lines, ["pts.indicator", "pts.evidence", "pts.source", "pts.points", "pts.note"]);
    lines.querySelector("tbody").replaceChildren(...answer.lines.map((line) =>
      el("tr", { dataset: { indicator: line.indicator } },
        el("td", {}, label(line)), el("td", {}, line.evidence),
        el("td", { dataset: { source: line.source } }, T("pts.src." + line.source)),
        el("td", { className: "num" }, fmtPoints(line.points) +
          (line.points !== line.raw ? " (" + T("pts.raw") + " " + fmtPoints(line.raw) + ")" : "")),
        el("td", {}, R.lang === "zh" ? line.note_zh : line.note_en))));
    const total = document.getElementById("score-total");
    total.dataset.total = String(answer.total);
    total.textContent = T("pts.total") + ": " + fmtPoints(answer.total) + (answer.floor_applied ? T("pts.floor") : "") +
      " · " + (answer.eligible ? T("pts.eligible") : T("pts.not_eligible")) +
      (answer.applicant_id_masked ? " · " + answer.applicant_id_masked : "");
    document.getElementById("explanation").hidden = false;
  }

  document.getElementById("score-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const message = document.getElementById("score-message");
    R.hideMessage(message);
    const rules = byName[scoreRules.value];
    const values = {};
    const sources = {};
    for (const input of rules.inputs) {
      const value = document.getElementById("in-" + input.name).value.trim();
      if (value !== "") values[input.name] = value;
    }
    for (const box of inputsBox.querySelectorAll('input[name="verified"]:checked')) sources[box.value] = "verified";
    const payload = { rules: rules.name, values: values, sources: sources,
      use_register: document.getElementById("score-register").checked };
    const id = document.getElementById("score-id").value.trim();
    const name = document.getElementById("score-name").value.trim();
    const on = document.getElementById("score-on").value;
    if (id) payload.applicant_id = id;
    if (name) payload.name = name;
    if (on) payload.on = on;
    try {
      const answer = await R.request("POST", "/api/points/score", payload);
      renderExplanation(answer.body);
      for (const warning of answer.body.warnings) R.showMessage(message, R.bilingual(warning), "");
    } catch (error) {
      document.getElementById("explanation").hidden = true;
      R.showMessage(message, error.message, "error");
    }
  });

  /* ---- rounds ------------------------------------------------------------------------------------------------- */
  async function loadRounds() {
    const answer = await R.getJSON("/api/points/rounds");
    const table = document.getElementById("rounds");
    table.querySelector("thead tr").replaceChildren(...["#", T("pts.title"), T("pts.rules"), T("pts.count"), T("pts.published"), ""]
      .map((c) => el("th", {}, c)));
    table.querySelector("tbody").replaceChildren(...answer.rounds.map((r) => {
      const button = el("button", { type: "button", className: "link-button", dataset: { round: r.round_id } }, T("pts.open"));
      button.addEventListener("click", () => showRound(r.round_id));
      return el("tr", { dataset: { round: r.round_id } }, el("td", {}, String(r.round_id)), el("td", {}, r.title),
        el("td", {}, r.rules), el("td", { className: "num" }, String(r.applicant_count)),
        el("td", {}, r.published_at ? T("pts.published") : T("pts.not_published")), el("td", {}, button));
    }));
    const source = document.getElementById("rank-source");
    const keep = source.value;
    source.replaceChildren(source.options[0], ...answer.rounds.map((r) =>
      el("option", { value: String(r.round_id) }, "#" + r.round_id + " " + r.title)));
    source.value = keep;
  }

  document.getElementById("rank-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const form = event.target;
    const message = document.getElementById("rank-message");
    const progress = document.getElementById("rank-progress");
    const button = document.getElementById("rank-submit");
    const data = new FormData();
    for (const name of ["rules", "opens", "closes", "quota", "title", "source_round"]) {
      const field = form.querySelector('[name="' + name + '"]');
      const value = field ? String(field.value || "").trim() : "";
      if (value) data.append(name, value);
    }
    if (document.getElementById("rank-register").checked) {
      data.append("use_register", "true");
      const on = document.getElementById("rank-evidence-on").value;
      if (on) data.append("evidence_on", on);
    }
    const file = document.getElementById("rank-file").files[0];
    if (file) data.append("file", file);
    button.disabled = true;
    progress.hidden = false;
    R.showMessage(message, T("pts.working"), "");
    try {
      const answer = await R.request("POST", "/api/points/rounds", data, true);
      R.hideMessage(message);
      await loadRounds();
      await showRound(answer.body.summary.round_id);
    } catch (error) {
      R.showMessage(message, error.message, "error");
    } finally {
      button.disabled = false;
      progress.hidden = true;
    }
  });

  function summaryText(s) {
    const parts = [T("pts.summary").replace("{id}", s.round_id).replace("{rules}", label(s.rules_title))
      .replace("{n}", s.applicant_count).replace("{eligible}", s.eligible).replace("{admitted}", s.admitted)];
    for (const g of s.groups) {
      parts.push((g.group ? "[" + g.group + "] " : "") + T("pts.places") + " " + (g.places === null ? "—" : g.places) +
        " · " + T("pts.cutoff") + " " + fmtPoints(g.cutoff));
    }
    return parts.join("；");
  }

  function rankingRows(table, rows, withReason) {
    const columns = ["pts.rank", "pts.id", "pts.name", "pts.score"].concat(withReason ? ["pts.admitted", "pts.reason"] : []);
    head(table, columns);
    table.querySelector("tbody").replaceChildren(...rows.map((row) => {
      const cells = [el("td", { className: "num" }, row.rank === null ? "—" : String(row.rank)),
        el("td", {}, el("code", {}, row.applicant_id_masked)), el("td", {}, row.name_masked),
        el("td", { className: "num" }, fmtPoints(row.score))];
      if (withReason) {
        const reason = String(row.reason || "").split(" / ");
        cells.push(el("td", {}, row.admitted ? T("pts.yes") : T("pts.no")),
          el("td", {}, R.lang === "zh" ? reason[0] : reason[reason.length - 1]));
      }
      return el("tr", { dataset: { id: row.applicant_id_masked } }, ...cells);
    }));
  }

  let scoreChart = null;

  /* Eligible applicants by score band, admitted stacked on the others: where the cut-off falls. */
  function drawDistribution(histogram) {
    const box = document.getElementById("score-chart");
    if (!window.echarts) {
      box.hidden = true;
      return;
    }
    if (!scoreChart) scoreChart = window.echarts.init(box, null, { renderer: "canvas" });
    const labels = histogram.from.map((lo) => lo + "–" + (lo + histogram.width));
    scoreChart.setOption({
      animation: false,
      tooltip: R.tooltip({ trigger: "axis" }),
      legend: { top: 4, right: 10, data: [T("pts.admitted_series"), T("pts.not_admitted")] },
      grid: { left: 50, right: 20, top: 40, bottom: 40 },
      xAxis: { type: "category", data: labels, name: T("pts.band"), nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "value", name: T("pts.people"), minInterval: 1 },
      series: [
        { name: T("pts.admitted_series"), type: "bar", stack: "all", data: histogram.admitted, color: "#b71c1c" },
        { name: T("pts.not_admitted"), type: "bar", stack: "all", data: histogram.not_admitted, color: "#9aa5b1" },
      ],
    }, true);
    box.dataset.drawn = "true";
  }

  async function showRound(roundId) {
    openRound = roundId;
    const answer = await R.getJSON("/api/points/rounds/" + roundId);
    document.getElementById("round").hidden = false;
    document.getElementById("round-id").textContent = "#" + roundId;
    document.getElementById("round-summary").textContent = summaryText(answer.summary);
    drawDistribution(answer.summary.histogram);
    rankingRows(document.getElementById("ranking"), answer.ranking.rows, true);
    const publicList = await R.getJSON("/api/points/rounds/" + roundId + "/public");
    rankingRows(document.getElementById("public-list"), publicList.rows, false);
    const badge = document.getElementById("published-badge");
    badge.textContent = publicList.published_at ? T("pts.published") + " " + R.localTime(publicList.published_at) : T("pts.not_published");
    badge.dataset.published = publicList.published_at ? "yes" : "no";
    document.getElementById("publish").disabled = Boolean(publicList.published_at);
    renderObjections(answer.objections);
    await loadHistory(roundId);
  }

  function renderObjections(objections) {
    const table = document.getElementById("objections");
    table.querySelector("thead tr").replaceChildren(...["#", T("pts.id"), T("pts.filed_on"), T("pts.statement"),
      T("pts.corrections"), ""].map((c) => el("th", {}, c)));
    table.querySelector("tbody").replaceChildren(...objections.map((o) => {
      const actions = el("td", {});
      if (o.decided) {
        actions.append(T("pts.decided"));
      } else {
        for (const [accepted, text] of [[true, T("pts.accept")], [false, T("pts.reject")]]) {
          const button = el("button", { type: "button", dataset: { decide: accepted ? "accept" : "reject", number: o.number } }, text);
          button.addEventListener("click", () => decide(o.number, accepted));
          actions.append(button, " ");
        }
      }
      return el("tr", { dataset: { number: o.number } }, el("td", {}, String(o.number)),
        el("td", {}, el("code", {}, o.applicant_id_masked)), el("td", {}, o.filed_on), el("td", {}, o.statement),
        el("td", {}, Object.entries(o.corrections).map(([k, v]) => k + "=" + v).join("; ")), actions);
    }));
  }

  async function loadHistory(roundId) {
    const answer = await R.getJSON("/api/points/rounds/" + roundId + "/history");
    const badge = document.getElementById("history-intact");
    badge.textContent = answer.intact ? T("pts.intact") : T("pts.broken");
    badge.dataset.intact = answer.intact ? "yes" : "no";
    const table = document.getElementById("history");
    table.querySelector("thead tr").replaceChildren(...["#", T("pts.what"), T("pts.id"), T("pts.filed_on"), ""]
      .map((c) => el("th", {}, c)));
    table.querySelector("tbody").replaceChildren(...answer.records.map((r) => {
      let detail = "";
      if (r.kind === "rescored") {
        detail = T("pts.before_after").replace("{before}", fmtPoints(r.data.score_before)).replace("{after}", fmtPoints(r.data.score_after));
      } else if (r.kind === "decision") {
        detail = r.data.accepted ? T("pts.accept") : T("pts.reject");
      } else if (r.kind === "objection") {
        detail = r.data.statement || "";
      }
      return el("tr", { dataset: { kind: r.kind } }, el("td", {}, String(r.seq)), el("td", {}, T("pts.kind." + r.kind)),
        el("td", {}, r.applicant_id_masked ? el("code", {}, r.applicant_id_masked) : ""), el("td", {}, r.on),
        el("td", {}, detail));
    }));
  }

  document.getElementById("publish").addEventListener("click", async function () {
    if (!openRound) return;
    try {
      const published = (await R.request("POST", "/api/points/rounds/" + openRound + "/publish")).body;
      await showRound(openRound);
      await loadRounds();
      const sent = published.notifications || {};
      let text = T("pts.no_outbox");
      if (sent.error) text = R.bilingual(sent.error);
      else if (sent.outbox) {
        text = T("pts.queued").replace("{queued}", sent.queued).replace("{already}", sent.already_queued)
          .replace("{without}", sent.without_contact);
      }
      const link = R.el("a", { href: "/points/published/" + published.round_id, id: "public-page-link" }, T("pts.public_page"));
      const message = document.getElementById("publish-message");
      R.showMessage(message, [text + " · ", link], sent.error ? "error" : "ok");
      message.dataset.queued = String(sent.queued ?? "");
    } catch (error) {
      R.showMessage(document.getElementById("objection-message"), error.message, "error");
    }
  });

  document.getElementById("objection-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const message = document.getElementById("objection-message");
    R.hideMessage(message);
    const corrections = {};
    for (const line of document.getElementById("objection-corrections").value.split(/\n/)) {
      if (!line.trim()) continue;
      const at = line.indexOf("=");
      if (at < 1) {
        R.showMessage(message, T("pts.bad_correction") + ": " + line, "error");
        return;
      }
      corrections[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    const payload = {
      applicant_id: document.getElementById("objection-id").value.trim(),
      filed_on: document.getElementById("objection-on").value,
      statement: document.getElementById("objection-statement").value.trim(),
      corrections: corrections,
    };
    try {
      await R.request("POST", "/api/points/rounds/" + openRound + "/objections", payload);
      event.target.reset();
      await showRound(openRound);
    } catch (error) {
      R.showMessage(message, error.message, "error");
    }
  });

  async function decide(number, accepted) {
    const message = document.getElementById("objection-message");
    try {
      await R.request("POST", "/api/points/rounds/" + openRound + "/objections/" + number + "/decision",
        { accepted: accepted, decided_on: today });
      await showRound(openRound);
    } catch (error) {
      R.showMessage(message, error.message, "error");
    }
  }

  showInputs();
  loadRounds().catch((error) => R.showMessage(document.getElementById("rank-message"), error.message, "error"));
});
