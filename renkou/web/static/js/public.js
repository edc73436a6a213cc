/* 公众人口信息查询: reads the published (small-cell protected) figures from /api/public/population and offers the
   same query as CSV. The query is kept in the page address, so a result can be linked to. */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const R = window.Renkou;
  const { T, el } = R;
  const form = document.getElementById("query-form");
  const yearSelect = document.getElementById("q-year");
  const kindSelect = document.getElementById("q-kind");
  const districtSelect = document.getElementById("q-district");
  const sexSelect = document.getElementById("q-sex");
  const ageSelect = document.getElementById("q-age");
  const message = document.getElementById("q-message");
  const table = document.getElementById("result-table");
  const csvLink = document.getElementById("csv-link");
  const jsonLink = document.getElementById("json-link");
  const chartBox = document.getElementById("public-chart");
  const labels = { district: T("district"), sex: T("sex"), age_group: T("age_group") };
  let chart = null;

  function option(value, text) {
    return el("option", { value: value }, text);
  }

  function params() {
    const query = new URLSearchParams();
    query.set("year", yearSelect.value);
    query.set("kind", kindSelect.value);
    const by = [...form.querySelectorAll('input[name="by"]:checked')].map((box) => box.value);
    query.set("by", by.join(","));
    for (const [name, select] of [["district", districtSelect], ["sex", sexSelect], ["age_group", ageSelect]]) {
      if (select.value) query.set(name, select.value);
    }
    return query;
  }

  function restore(from) {
    if (from.get("kind")) kindSelect.value = from.get("kind");
    if (from.has("by")) {
      const wanted = from.get("by").split(",");
      for (const box of form.querySelectorAll('input[name="by"]')) box.checked = wanted.includes(box.value);
    }
    if (from.get("sex")) sexSelect.value = from.get("sex");
    if (from.get("age_group")) ageSelect.value = from.get("age_group");
  }

  function cellLabel(row, dimension) {
    if (dimension === "district") return row.district + " " + (row.district_name || "");
    if (dimension === "sex") return T(row.sex === "F" ? "female" : "male");
    return row[dimension];
  }

  function render(answer) {
    const shown = ["district", "sex", "age_group"].filter((d) => answer.rows.length && d in answer.rows[0]);
    const head = el("tr", {}, ...shown.map((d) => el("th", {}, labels[d])), el("th", { className: "num" }, answer.kind_name));
    table.tHead.replaceChildren(head);
    const body = answer.rows.map((row) =>
      el(
        "tr",
        { dataset: { suppressed: String(row.suppressed), district: row.district, sex: row.sex, ageGroup: row.age_group } },
        ...shown.map((d) => el("td", {}, cellLabel(row, d))),
        el("td", { className: "num" }, row.suppressed ? T("suppressed") : R.fmt(row.population)),
      ),
    );
    table.tBodies[0].replaceChildren(...body);
    document.getElementById("result-title").textContent =
      answer.year + " · " + (R.lang === "zh" ? answer.kind_name : T(answer.kind)) + " · " + answer.rows.length + " " + T("rows");
    drawChart(answer, shown);
  }

  function drawChart(answer, shown) {
    if (!window.echarts || shown.length !== 1) {
      chartBox.hidden = true;
      return;
    }
    chartBox.hidden = false;
    chart = chart || window.echarts.init(chartBox);
    const dimension = shown[0];
    chart.setOption(
      {
        animation: false,
        grid: { left: 60, right: 20, top: 20, bottom: 60 },
        tooltip: R.tooltip({ trigger: "axis", formatter: (items) => items[0].name + ": " + R.fmt(items[0].value) }),
        xAxis: { type: "category", data: answer.rows.map((row) => cellLabel(row, dimension)), axisLabel: { rotate: 30 } },
        yAxis: { type: "value" },
        series: [{ type: "bar", data: answer.rows.map((row) => (row.suppressed ? null : row.population)), itemStyle: { color: "#b71c1c" } }],
      },
      true,
    );
    chart.resize();
  }

  async function run() {
    R.hideMessage(message);
    const query = params();
    csvLink.href = "/api/public/population.csv?" + query;
    jsonLink.href = "/api/public/population?" + query;
    const address = new URLSearchParams(window.location.search);
    for (const [key, value] of query) address.set(key, value);
    for (const key of ["district", "sex", "age_group"]) if (!query.has(key)) address.delete(key);
    window.history.replaceState(null, "", "?" + address);
    try {
      render(await R.getJSON("/api/public/population?" + query));
    } catch (error) {
      table.tBodies[0].replaceChildren();
      R.showMessage(message, error.message, "error");
    }
  }

  async function loadDistricts() {
    const current = districtSelect.value;
    const answer = await R.getJSON("/api/public/population?year=" + yearSelect.value + "&by=district");
    districtSelect.replaceChildren(
      option("", T("all")),
      ...answer.rows.map((row) => option(row.district, row.district + " " + (row.district_name || ""))),
    );
    if ([...districtSelect.options].some((o) => o.value === current)) districtSelect.value = current;
  }

  async function start() {
    const from = new URLSearchParams(window.location.search);
    try {
      const index = await R.getJSON("/api/public");
      if (!index.years.length) {
        R.showMessage(message, T("no_data"), "error");
        return;
      }
      yearSelect.replaceChildren(...index.years.slice().reverse().map((y) => option(String(y), String(y))));
      if (from.get("year") && index.years.includes(Number(from.get("year")))) yearSelect.value = from.get("year");
      ageSelect.append(...index.age_groups.map((g) => option(g, g)));
      document.getElementById("method-text").textContent = R.bilingual(index.method);
      restore(from);
      await loadDistricts();
      if (from.get("district")) districtSelect.value = from.get("district");
      await run();
    } catch (error) {
      R.showMessage(message, error.message, "error");
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  yearSelect.addEventListener("change", async function () {
    await loadDistricts().catch(() => undefined);
  });
  window.addEventListener("resize", () => chart && chart.resize());
  start();
});
