/* The analysts' dashboard. Every figure comes from a JSON endpoint (listed in the page footer):
   /web/api/dashboard/{years,overview,trend,projection,plan,warnings}, /api/stats/population (pyramids), /web/api/geo/districts. */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const R = window.Renkou;
  const { T, el } = R;
  const echarts = window.echarts;
  const yearSelect = document.getElementById("d-year");
  const compareSelect = document.getElementById("d-compare");
  const message = document.getElementById("d-message");
  const charts = {};
  const COLORS = { male: "#1e6bb8", female: "#c0392b", registered: "#8e44ad", resident: "#b71c1c", floating: "#16a085" };

  function chart(id) {
    if (!echarts) return null;
    if (!charts[id]) charts[id] = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    return charts[id];
  }

  function loading(id) {
    const c = chart(id);
    if (c) c.showLoading({ text: T("loading"), color: "#b71c1c" });
  }

  function drawn(id, option) {
    const c = chart(id);
    if (!c) return;
    c.hideLoading();
    c.setOption(Object.assign({ animation: false }, option), true);
    document.getElementById(id).dataset.drawn = "true";
  }

  function fail(error) {
    R.showMessage(message, error.message, "error");
  }

  /* ---- overview cards ---------------------------------------------------------------------------------------- */
  function valueText(unit, value) {
    if (unit === "fraction") return R.percent(value, 1);
    if (unit === "per_mille") return R.fmt(value, 2);
    if (unit === "children") return R.fmt(value, 2);
    if (unit === "years") return R.fmt(value, 1);
    return R.fmt(value);
  }

  function changeText(card) {
    if (card.change === null || card.change === undefined) return "";
    const sign = card.change > 0 ? "▲ +" : card.change < 0 ? "▼ " : "";
    let text;
    if (card.unit === "fraction") text = sign + R.fmt(card.change * 100, 1) + " " + T("pp");
    else text = sign + valueText(card.unit === "persons" ? "persons" : card.unit, card.change);
    if (card.relative_change !== null && card.relative_change !== undefined) {
      text += " (" + (card.relative_change > 0 ? "+" : "") + R.percent(card.relative_change, 1) + ")";
    }
    return text;
  }

  function renderCards(overview) {
    const box = document.getElementById("cards");
    box.replaceChildren(
      ...overview.cards.map((card) =>
        el(
          "div",
          { className: "card", dataset: { indicator: card.block + "." + card.indicator } },
          el("div", { className: "label" }, T(card.key)),
          el("div", { className: "value" }, valueText(card.unit, card.value)),
          el(
            "div",
            { className: "delta " + (card.change > 0 ? "up" : card.change < 0 ? "down" : "") },
            card.previous === null ? "" : T("change") + " " + changeText(card),
          ),
        ),
      ),
    );
    document.getElementById("city-name").textContent = overview.city.name + " · " + overview.year;
  }

  /* ---- districts: table and map ------------------------------------------------------------------------------ */
  function renderDistricts(overview) {
    const rows = overview.districts.map((d) =>
      el(
        "tr",
        { dataset: { district: d.code } },
        el("td", {}, d.code + " " + (d.name || "")),
        el("td", { className: "num" }, R.fmt(d.registered)),
        el("td", { className: "num" }, R.fmt(d.resident)),
        el("td", { className: "num" }, R.fmt(d.floating)),
        el(
          "td",
          { className: "num " + (d.resident_change > 0 ? "up" : d.resident_change < 0 ? "down" : "") },
          d.resident_change === null ? "—" : (d.resident_change > 0 ? "+" : "") + R.fmt(d.resident_change),
        ),
        el("td", { className: "num" }, R.percent(d.share_60_plus, 1)),
        el("td", { className: "num" }, R.fmt(d.births)),
      ),
    );
    document.querySelector("#district-table tbody").replaceChildren(...rows);
    renderMap(overview);
  }

  let shapes = null; // null: not fetched yet; false: not available
  async function renderMap(overview) {
    const note = document.getElementById("map-note");
    if (!echarts) return;
    if (shapes === null) {
      try {
        shapes = await R.getJSON("/web/api/geo/districts");
        echarts.registerMap("renkou-city", shapes);
      } catch (error) {
        shapes = false;
      }
    }
    if (!shapes) {
      document.getElementById("district-map").hidden = true;
      R.showMessage(note, T("map_unavailable"));
      note.className = "note";
      return;
    }
    const first = shapes.features && shapes.features.length ? shapes.features[0].properties || {} : {};
    const byCode = first.code !== undefined;
    const values = overview.districts.map((d) => ({ name: byCode ? d.code : d.name, value: d.resident, label: d.name }));
    const max = Math.max(1, ...values.map((v) => v.value || 0));
    drawn("district-map", {
      tooltip: R.tooltip({ trigger: "item", formatter: (p) => (p.data ? p.data.label : p.name) + ": " + R.fmt(p.value) }),
      visualMap: { min: 0, max: max, left: 10, bottom: 10, calculable: true, formatter: (v) => R.fmt(v),
        inRange: { color: ["#fde0dc", "#b71c1c"] } },
      series: [{ type: "map", map: "renkou-city", nameProperty: byCode ? "code" : "name", roam: true,
        data: values, label: { show: false }, emphasis: { label: { show: true } } }],
    });
    if (shapes.source) {
      note.hidden = false;
      note.textContent = T("map_source") + R.bilingual(shapes.source);
    }
  }

  /* ---- pyramids ---------------------------------------------------------------------------------------------- */
  async function population(year, kind) {
    return R.getJSON("/web/api/dashboard/pyramid?year=" + year + "&kind=" + kind);
  }

  async function renderPyramid(kind, year, compare) {
    const id = "pyramid-" + kind;
    loading(id);
    const [now, then] = await Promise.all([population(year, kind), compare ? population(compare, kind) : null]);
    const labels = now.age_groups;
    const negative = (values) => values.map((v) => -v);
    const series = [
      { name: T("male") + " " + year, type: "bar", stack: "now", data: negative(now.M), itemStyle: { color: COLORS.male } },
      { name: T("female") + " " + year, type: "bar", stack: "now", data: now.F, itemStyle: { color: COLORS.female } },
    ];
    if (then) {
      const outline = { color: "rgba(0,0,0,0)", borderColor: "#222", borderWidth: 1.2 };
      series.push(
        { name: T("male") + " " + compare, type: "bar", stack: "then", barGap: "-100%", data: negative(then.M), itemStyle: outline },
        { name: T("female") + " " + compare, type: "bar", stack: "then", data: then.F, itemStyle: outline },
      );
    }
    drawn(id, {
      grid: { left: 60, right: 20, top: 40, bottom: 30 },
      legend: { top: 0, textStyle: { fontSize: 11 } },
      tooltip: R.tooltip({ trigger: "axis", axisPointer: { type: "shadow" },
        formatter: (items) => items[0].name + "\n" + items.map((i) => i.seriesName + ": " + R.fmt(Math.abs(i.value))).join("\n") }),
      xAxis: { type: "value", axisLabel: { formatter: (v) => R.fmt(Math.abs(v)) } },
      yAxis: { type: "category", data: labels, axisTick: { show: false } },
      series: series,
    });
  }

  /* ---- trends ------------------------------------------------------------------------------------------------ */
  async function renderTrend() {
    loading("trend-population");
    loading("trend-rates");
    const trend = await R.getJSON("/web/api/dashboard/trend");
    const years = trend.years.map(String);
    const s = trend.series;
    const line = (name, data, color, extra) => Object.assign({ name: name, type: "line", data: data, symbolSize: 6,
      itemStyle: { color: color } }, extra || {});
    drawn("trend-population", {
      grid: { left: 70, right: 20, top: 40, bottom: 60 },
      legend: { bottom: 0 },
      tooltip: R.tooltip({ trigger: "axis", valueFormatter: (v) => R.fmt(v) }),
      xAxis: { type: "category", data: years },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: (v) => R.fmt(v) } },
      series: [
        line(T("registered"), s["registered.population"], COLORS.registered),
        line(T("resident"), s["resident.population"], COLORS.resident),
        line(T("floating"), s["floating.population"], COLORS.floating),
      ],
    });
    drawn("trend-rates", {
      grid: { left: 60, right: 60, top: 40, bottom: 60 },
      legend: { bottom: 0 },
      tooltip: R.tooltip({ trigger: "axis" }),
      xAxis: { type: "category", data: years },
      yAxis: [{ type: "value", name: "‰" }, { type: "value", name: T("persons"), splitLine: { show: false } }],
      series: [
        { name: T("births"), type: "bar", yAxisIndex: 1, data: s["resident.births"], itemStyle: { color: "#f4b6b0" } },
        { name: T("deaths"), type: "bar", yAxisIndex: 1, data: s["resident.deaths"], itemStyle: { color: "#b0bec5" } },
        line(T("cbr"), s["resident.crude_birth_rate"], COLORS.female),
        line(T("cdr"), s["resident.crude_death_rate"], "#455a64"),
        line(T("nir"), s["resident.natural_increase_rate"], COLORS.floating),
      ],
    });
  }

  /* ---- projection fan charts ------------------------------------------------------------------------------- */
  function fanOption(years, variants, q) {
    const diff = (upper, lower) => upper.map((v, i) => v - lower[i]);
    const band = (name, lower, upper, color) => [
      { name: name, type: "line", data: lower, stack: name, symbol: "none", lineStyle: { opacity: 0 },
        itemStyle: { color: color }, tooltip: { show: false } },
      { name: name, type: "line", data: diff(upper, lower), stack: name, symbol: "none", lineStyle: { opacity: 0 },
        areaStyle: { color: color }, itemStyle: { color: color }, tooltip: { show: false } },
    ];
    const line = (name, data, color, dashed) => ({ name: name, type: "line", data: data, symbol: "none",
      lineStyle: { color: color, width: 2, type: dashed ? "dashed" : "solid" }, itemStyle: { color: color } });
    return {
      grid: { left: 80, right: 30, top: 50, bottom: 30 },
      legend: { top: 0, data: [T("band95"), T("band80"), T("low"), T("medium"), T("high"), T("median")] },
      tooltip: R.tooltip({ trigger: "axis", valueFormatter: (v) => R.fmt(v) }),
      xAxis: { type: "category", data: years.map(String), boundaryGap: false },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: (v) => R.fmt(v) } },
      series: [
        ...band(T("band95"), q["p2.5"], q["p97.5"], "rgba(183,28,28,0.12)"),
        ...band(T("band80"), q["p10"], q["p90"], "rgba(183,28,28,0.25)"),
        line(T("low"), variants.low, "#1e6bb8"),
        line(T("medium"), variants.medium, "#b71c1c"),
        line(T("high"), variants.high, "#2e7d32"),
        line(T("median"), q["p50"], "#555", true),
      ],
    };
  }

  async function renderProjection(year) {
    loading("fan-chart");
    loading("fan-births");
    const fan = await R.getJSON("/web/api/dashboard/projection?year=" + year);
    const note = document.getElementById("fan-note");
    if (!note.dataset.text) note.dataset.text = note.textContent; // the method statement, shown with any chart
    if (!fan.available) {
      ["fan-chart", "fan-births"].forEach((id) => {
        if (chart(id)) chart(id).hideLoading();
        document.getElementById(id).hidden = true;
      });
      note.textContent = T("projection_unavailable") + R.bilingual(fan.reason);
      return;
    }
    ["fan-chart", "fan-births"].forEach((id) => (document.getElementById(id).hidden = false));
    note.textContent = note.dataset.text;
    drawn("fan-chart", Object.assign(fanOption(fan.years, fan.variants, fan.intervals),
      { title: { text: T("resident"), left: "center", top: 22, textStyle: { fontSize: 12 } } }));
    drawn("fan-births", Object.assign(fanOption(fan.birth_years, fan.births, fan.birth_intervals),
      { title: { text: T("projected_births"), left: "center", top: 22, textStyle: { fontSize: 12 } } }));
  }

  /* ---- plan-target status board ------------------------------------------------------------------------------ */
  const planSelect = document.getElementById("d-plan");

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  function progressCell(item) {
    if (item.progress === null || item.progress === undefined) return el("td", {}, "—");
    const share = Math.max(0, Math.min(1, item.progress));
    return el("td", {},
      el("progress", { max: "100", value: String(Math.round(share * 100)), className: "plan-progress " + item.status }),
      " " + R.percent(item.progress, 0));
  }

  function renderPlan(board) {
    const body = document.querySelector("#plan-table tbody");
    const summary = document.getElementById("plan-summary");
    const method = document.getElementById("plan-method");
    if (planSelect.options.length === 0) {
      planSelect.replaceChildren(...board.plans.map((p) => el("option", { value: p.name }, p.name)));
      planSelect.value = board.plan;
    }
    document.getElementById("plan-title").textContent = board.title || board.plan;
    if (!board.available) {
      body.replaceChildren();
      summary.textContent = T("plan_unavailable") + R.bilingual(board.reason);
      method.textContent = "";
      return;
    }
    summary.textContent = fill(T("plan_counts"), Object.assign({ as_of: board.as_of, target_year: board.target_year }, board.counts));
    method.textContent = T("plan_method") + board.method;
    body.replaceChildren(
      ...board.indicators.map((item) =>
        el("tr", { className: "status-" + item.status, dataset: { status: item.status, nature: item.nature } },
          el("td", {}, el("span", { className: "light " + item.status }, T("status." + item.status))),
          el("td", {}, R.lang === "zh" ? item.name_zh || item.name : item.name),
          el("td", { className: item.nature === "binding" ? "binding" : "" }, T("nature." + item.nature)),
          el("td", { className: "num" }, item.target + (item.unit ? " " + item.unit : "")),
          el("td", { className: "num" }, item.value === null ? "—" : R.fmt(item.value, 2) + (item.value_date ? " (" + item.value_date.slice(0, 4) + ")" : "")),
          progressCell(item),
          el("td", { className: "reason" }, R.bilingual(item.reasons)),
        ),
      ),
    );
  }

  async function showPlan(year) {
    const plan = planSelect.value ? "&plan=" + encodeURIComponent(planSelect.value) : "";
    renderPlan(await R.getJSON("/web/api/dashboard/plan?year=" + year + plan));
  }

  /* ---- early warnings ---------------------------------------------------------------------------------------- */
  function evidenceText(evidence) {
    if (!evidence || !Array.isArray(evidence.values)) {
      // Facility rules and others carry their own figures: shown as they are.
      return T("evidence") + ": " + Object.entries(evidence || {}).map(([k, v]) => k + " " + JSON.stringify(v)).join(", ");
    }
    const values = evidence.values.map((v) => v.date.slice(0, 4) + ": " + R.fmt(v.value, v.value < 10 ? 3 : 0));
    return T("evidence") + " (" + evidence.key + "): " + values.join(", ");
  }

  async function showWarnings(year) {
    const answer = await R.getJSON("/web/api/dashboard/warnings?year=" + year);
    const list = document.getElementById("warnings-list");
    const summary = document.getElementById("warnings-summary");
    const values = { as_of: answer.as_of, rules: answer.rules.length, count: answer.warnings.length };
    summary.textContent = fill(T(answer.warnings.length ? "warnings_count" : "no_warnings"), values);
    list.replaceChildren(...answer.warnings.map(warningItem));
    const stored = answer.stored;
    document.getElementById("stored-summary").textContent = stored.run_id === null ? T("no_stored_warnings")
      : fill(T("stored_run"), { as_of: stored.as_of, batches: stored.batches.join(", ") || "—",
        at: R.localTime(stored.evaluated_at), count: stored.warnings.length });
    document.getElementById("stored-list").replaceChildren(...stored.warnings.map(warningItem));
  }

  function warningItem(w) {
    return el("li", { className: "warning", dataset: { rule: w.rule, area: w.area } },
      el("strong", {}, R.bilingual(w.titles)),
      " — ",
      R.bilingual(w.messages),
      el("div", { className: "evidence" }, evidenceText(w.evidence)),
    );
  }

  /* ---- wiring ------------------------------------------------------------------------------------------------ */
  function fillCompare(years, year) {
    const others = years.filter((y) => y !== year);
    const previous = compareSelect.value ? Number(compareSelect.value) : null;
    compareSelect.replaceChildren(el("option", { value: "" }, T("none")), ...others.map((y) => el("option", { value: String(y) }, String(y))));
    const preferred = others.includes(previous) ? previous : others.length ? Math.min(...others) : null;
    compareSelect.value = preferred === null ? "" : String(preferred);
  }

  async function showYear(years) {
    R.hideMessage(message);
    const year = Number(yearSelect.value);
    const compare = compareSelect.value ? Number(compareSelect.value) : null;
    const address = new URLSearchParams(window.location.search);
    address.set("year", String(year));
    address.set("compare", compare === null ? "" : String(compare));
    window.history.replaceState(null, "", "?" + address);
    const jobs = [
      renderPyramid("registered", year, compare),
      renderPyramid("resident", year, compare),
      R.getJSON("/web/api/dashboard/overview?year=" + year).then((overview) => {
        renderCards(overview);
        renderDistricts(overview);
      }),
      renderProjection(year),
      showPlan(year),
      showWarnings(year),
    ];
    const results = await Promise.allSettled(jobs);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) fail(failed.reason);
    void years;
  }

  async function start() {
    const from = new URLSearchParams(window.location.search);
    let answer;
    try {
      answer = await R.getJSON("/web/api/dashboard/years");
    } catch (error) {
      fail(error);
      return;
    }
    const years = answer.years;
    if (!years.length) {
      R.showMessage(message, T("no_data"), "error");
      return;
    }
    yearSelect.replaceChildren(...years.slice().reverse().map((y) => el("option", { value: String(y) }, String(y))));
    const asked = Number(from.get("year"));
    yearSelect.value = String(years.includes(asked) ? asked : answer.default);
    fillCompare(years, Number(yearSelect.value));
    if (from.has("compare")) {
      const wanted = from.get("compare");
      if ([...compareSelect.options].some((o) => o.value === wanted)) compareSelect.value = wanted;
    }
    yearSelect.addEventListener("change", () => {
      fillCompare(years, Number(yearSelect.value));
      showYear(years);
    });
    compareSelect.addEventListener("change", () => showYear(years));
    planSelect.addEventListener("change", () => showPlan(Number(yearSelect.value)).catch(fail));
    const first = showYear(years);
    renderTrend().catch(fail);
    await first;
  }

  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  start();
});
