/* The public page's main indicators (/api/public/indicators) and projection by variant (/api/public/projection),
   both small-cell protected by the service: a withheld figure arrives as null and is shown as "—". */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const R = window.Renkou;
  const { T, el } = R;
  const echarts = window.echarts;
  const yearSelect = document.getElementById("i-year");
  const kindSelect = document.getElementById("i-kind");
  const districtSelect = document.getElementById("p-district");
  const message = document.getElementById("q-message");
  const charts = {};
  const COUNTS = ["population", "births", "deaths"];
  const RATES = { crude_birth_rate: 2, crude_death_rate: 2, natural_increase_rate: 2, total_fertility_rate: 2, life_expectancy_at_birth: 1 };
  const SHARES = ["share_0_14", "share_15_59", "share_60_plus", "share_65_plus"];
  const VARIANTS = ["low", "medium", "high"];
  const COLORS = { low: "#1e6bb8", medium: "#b71c1c", high: "#2e7d32" };

  function draw(id, option) {
    if (!echarts) return;
    charts[id] = charts[id] || echarts.init(document.getElementById(id));
    charts[id].setOption(Object.assign({ animation: false }, option), true);
    document.getElementById(id).dataset.drawn = "true";
  }

  function shown(value, text) {
    return value === null || value === undefined ? T("suppressed") : text;
  }

  /* ---- main indicators ---------------------------------------------------------------------------------------- */
  function renderIndicators(answer) {
    document.getElementById("i-title").textContent = answer.year + " · " + (R.lang === "zh" ? answer.kind_name : T(answer.kind));
    const rows = answer.rows.map((row) =>
      el(
        "tr",
        { className: row.level === "city" ? "total" : "", dataset: { area: row.area, withheld: row.withheld.join(" ") } },
        el("td", {}, row.area + " " + (row.area_name || "")),
        ...COUNTS.map((name) => el("td", { className: "num", dataset: { indicator: name } }, shown(row[name], R.fmt(row[name])))),
        ...Object.entries(RATES).map(([name, digits]) =>
          el("td", { className: "num", dataset: { indicator: name } }, shown(row[name], R.fmt(row[name], digits))),
        ),
        ...SHARES.map((name) => el("td", { className: "num", dataset: { indicator: name } }, shown(row[name], R.percent(row[name], 1)))),
      ),
    );
    document.querySelector("#indicator-table tbody").replaceChildren(...rows);
    const districts = answer.rows.filter((row) => row.level === "district" && row.population !== null);
    draw("indicator-chart", {
      grid: { left: 70, right: 20, top: 20, bottom: 70 },
      tooltip: R.tooltip({ trigger: "axis", formatter: (items) => items[0].name + ": " + R.fmt(items[0].value) }),
      xAxis: { type: "category", data: districts.map((row) => row.area_name || row.area), axisLabel: { rotate: 30 } },
      yAxis: { type: "value", axisLabel: { formatter: (v) => R.fmt(v) } },
      series: [{ name: T("population"), type: "bar", data: districts.map((row) => row.population), itemStyle: { color: "#b71c1c" } }],
    });
  }

  async function showIndicators() {
    const query = "year=" + yearSelect.value + "&kind=" + kindSelect.value;
    document.getElementById("i-csv").href = "/api/public/indicators.csv?" + query;
    renderIndicators(await R.getJSON("/api/public/indicators?" + query));
  }

  /* ---- projection by variant ---------------------------------------------------------------------------------- */
  async function showProjection() {
    const district = districtSelect.value;
    const query = district ? "&district=" + encodeURIComponent(district) : "";
    document.getElementById("p-csv").href = "/api/public/projection.csv?by=" + (district ? "district" : "") + query;
    const answers = await Promise.all(VARIANTS.map((v) => R.getJSON("/api/public/projection?variant=" + v + query)));
    const years = answers[1].years;
    const byVariant = {};
    answers.forEach((answer, i) => (byVariant[VARIANTS[i]] = answer.rows.map((row) => row.population)));
    document.getElementById("p-title").textContent = answers[1].base_year + "–" + years[years.length - 1];
    document.getElementById("p-method").textContent = R.bilingual(answers[1].method);
    document.querySelector("#projection-table tbody").replaceChildren(
      ...years.map((year, i) =>
        el("tr", { dataset: { year: String(year) } }, el("td", {}, String(year)),
          ...VARIANTS.map((v) => el("td", { className: "num", dataset: { variant: v } }, shown(byVariant[v][i], R.fmt(byVariant[v][i]))))),
      ),
    );
    draw("projection-chart", {
      grid: { left: 70, right: 20, top: 40, bottom: 30 },
      legend: { top: 0 },
      tooltip: R.tooltip({ trigger: "axis", valueFormatter: (v) => R.fmt(v) }),
      xAxis: { type: "category", data: years.map(String), boundaryGap: false },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: (v) => R.fmt(v) } },
      series: VARIANTS.map((v) => ({ name: T(v), type: "line", data: byVariant[v], connectNulls: false, symbolSize: 4,
        lineStyle: { color: COLORS[v] }, itemStyle: { color: COLORS[v] } })),
    });
  }

  async function start() {
    try {
      const index = await R.getJSON("/api/public/indicators");
      yearSelect.replaceChildren(...index.years.slice().reverse().map((y) => el("option", { value: String(y) }, String(y))));
      yearSelect.value = String(index.year);
      districtSelect.append(
        ...index.rows.filter((row) => row.level === "district").map((row) => el("option", { value: row.area }, row.area + " " + (row.area_name || ""))),
      );
      renderIndicators(index);
    } catch (error) {
      R.showMessage(message, error.message, "error");
      return;
    }
    await showProjection().catch((error) => {
      document.getElementById("p-method").textContent = error.message;
    });
  }

  const report = (error) => R.showMessage(message, error.message, "error");
  yearSelect.addEventListener("change", () => showIndicators().catch(report));
  kindSelect.addEventListener("change", () => showIndicators().catch(report));
  districtSelect.addEventListener("change", () =>
    showProjection().catch((error) => (document.getElementById("p-method").textContent = error.message)),
  );
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  start();
});
