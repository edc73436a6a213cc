/* The steward's page: upload the feed's file (/web/api/feeds/upload), list the loaded files and read a batch's
   quarantined lines (/api/feeds/{feed}/...) and cross-department findings (/web/api/feeds/{feed}/findings). */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const R = window.Renkou;
  const { T, el } = R;
  const feed = document.getElementById("feed-name").dataset.feed;
  const form = document.getElementById("upload-form");
  const message = document.getElementById("upload-message");

  async function loadBatches() {
    const batches = await R.getJSON("/api/feeds/" + feed + "/batches");
    const rows = batches.map((b) => {
      const button = el("button", { type: "button", className: "button secondary", dataset: { batch: String(b.batch_id) } }, T("show"));
      button.addEventListener("click", () => showBatch(b.batch_id));
      return el(
        "tr",
        { dataset: { batch: String(b.batch_id) } },
        el("td", {}, String(b.batch_id)),
        el("td", {}, b.file_name || ""),
        el("td", {}, R.localTime(b.recorded_at)),
        el("td", { className: "num" }, R.fmt(b.rows)),
        el("td", { className: "num" }, R.fmt(b.accepted)),
        el("td", { className: "num" }, R.fmt(b.quarantined)),
        el("td", { className: "num" }, R.fmt(b.duplicates)),
        el("td", {}, button),
      );
    });
    document.querySelector("#batches tbody").replaceChildren(...rows);
  }

  async function showBatch(batchId) {
    const suffix = batchId ? "?batch_id=" + batchId + "&limit=1000" : "?limit=200";
    const [lines, found] = await Promise.all([
      R.getJSON("/api/feeds/" + feed + "/quarantine" + suffix),
      R.getJSON("/web/api/feeds/" + feed + "/findings" + suffix),
    ]);
    const label = batchId ? "(" + T("batch") + " " + batchId + ")" : "";
    document.getElementById("quarantine-batch").textContent = label;
    document.getElementById("findings-batch").textContent = label;
    document.querySelector("#quarantine tbody").replaceChildren(
      ...lines.map((q) =>
        el(
          "tr",
          { dataset: { reason: q.reason } },
          el("td", {}, String(q.batch_id)),
          el("td", {}, String(q.line)),
          el("td", {}, q.column_name || ""),
          el("td", {}, q.value_masked || ""),
          el("td", {}, R.lang === "zh" ? q.reason_text.split(" / ")[0] : q.reason_text.split(" / ").slice(1).join(" / ")),
        ),
      ),
    );
    document.querySelector("#findings tbody").replaceChildren(
      ...found.findings.map((f) =>
        el(
          "tr",
          { dataset: { kind: f.kind } },
          el("td", {}, String(f.batch_id)),
          el("td", {}, R.lang === "zh" ? f.kind_zh : f.kind_en),
          el("td", {}, f.record_no || ""),
          el("td", {}, f.occurred_on || ""),
          el("td", {}, f.detail || ""),
        ),
      ),
    );
  }

  function summary(body) {
    const parts = [el("strong", {}, body.status === "already_loaded" ? T("already_loaded") : T("loaded")), " "];
    parts.push(body.file + " · " + T("batch") + " " + body.batch_id + " · ");
    parts.push(T("accepted") + " " + R.fmt(body.accepted) + ", " + T("quarantined_rows") + " " + R.fmt(body.quarantined) +
      ", " + T("duplicates") + " " + R.fmt(body.duplicates));
    const reasons = Object.entries(body.reasons || {});
    if (reasons.length) {
      parts.push(el("ul", {}, ...reasons.map(([code, count]) =>
        el("li", { dataset: { reason: code } }, R.fmt(count) + " × " + R.bilingual(body.reason_texts[code])))));
    }
    const findings = Object.entries(body.findings || {});
    if (findings.length) {
      parts.push(el("div", {}, T("findings") + findings.map(([kind, count]) => R.bilingual(body.finding_texts[kind]) + " " + R.fmt(count)).join("; ")));
    }
    return parts;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const file = document.getElementById("upload-file").files[0];
    if (!file) return;
    const data = new FormData();
    data.append("file", file);
    R.showMessage(message, T("uploading"));
    const button = document.getElementById("upload-submit");
    button.disabled = true;
    try {
      const answer = await R.request("POST", "/web/api/feeds/upload", data, true);
      R.showMessage(message, summary(answer.body), "ok");
      message.dataset.status = answer.body.status;
      await loadBatches();
      await showBatch(answer.body.batch_id);
    } catch (error) {
      R.showMessage(message, error.message, "error");
      message.dataset.status = "error";
    } finally {
      button.disabled = false;
    }
  });

  loadBatches().then(() => showBatch(null)).catch((error) => R.showMessage(message, error.message, "error"));
});
