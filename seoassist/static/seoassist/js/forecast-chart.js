// Draw each keyword's history and forecast band with Chart.js.
(function () {
  "use strict";
  const dataNode = document.getElementById("forecast-data");
  const labelNode = document.getElementById("chart-labels");
  if (!dataNode || !window.Chart) {
    return;
  }
  const forecasts = JSON.parse(dataNode.textContent);
  const labels = JSON.parse(labelNode.textContent);

  // "Label: value" as Chart.js writes it, or "Label: date" for the publishing marker.
  const tooltipLabel = function (context) {
    const text = context.dataset.tooltipText || context.formattedValue;
    return context.dataset.label ? context.dataset.label + ": " + text : text;
  };

  document.querySelectorAll("canvas[data-forecast-index]").forEach(function (canvas) {
    const item = forecasts[Number(canvas.dataset.forecastIndex)];
    if (!item) {
      return;
    }
    const historyDates = item.history.map(function (p) { return p.date; });
    const forecastDates = item.points.map(function (p) { return p.date; });
    const allDates = historyDates.concat(forecastDates);
    const pad = function (values, before) {
      return new Array(before).fill(null).concat(values);
    };
    const lastHistory = item.history.length ? item.history[item.history.length - 1].value : null;
    const small = canvas.parentElement.classList.contains("small");
    // The forecast lines start at the last observed point so the two lines join. Without
    // a history they start at the first forecast point.
    const joinAt = historyDates.length - 1;
    const withJoin = function (values) {
      return joinAt < 0 ? values : pad([lastHistory].concat(values), joinAt);
    };

    const datasets = [
          {
            label: labels.history,
            data: item.history.map(function (p) { return p.value; }),
            borderColor: "#3b6ea5",
            pointRadius: 0,
            borderWidth: 1.5,
          },
          {
            label: labels.band_low,
            data: withJoin(item.points.map(function (p) { return p.p10; })),
            borderColor: "rgba(230, 126, 34, 0.3)",
            backgroundColor: "rgba(230, 126, 34, 0.15)",
            pointRadius: 0,
            borderWidth: 1,
            fill: false,
          },
          {
            label: labels.band_high,
            data: withJoin(item.points.map(function (p) { return p.p90; })),
            borderColor: "rgba(230, 126, 34, 0.3)",
            backgroundColor: "rgba(230, 126, 34, 0.15)",
            pointRadius: 0,
            borderWidth: 1,
            fill: "-1",
          },
          {
            label: labels.forecast,
            data: withJoin(item.points.map(function (p) { return p.p50; })),
            borderColor: "#e67e22",
            borderDash: [6, 3],
            pointRadius: 0,
            borderWidth: 2,
          },
    ];
    // A marker on the median forecast at the forecast date that the server chose for the
    // publishing advice: the advised date, or today's period when the advice is to publish now.
    // When that day lies after the last forecast period, a note states it after the
    // "Publish by" line that names the day, or under the chart when that line is missing.
    const marker = item.publish_marker;
    const publishIndex = marker && marker.date ? forecastDates.indexOf(marker.date) : -1;
    if (marker && marker.note) {
      const note = document.createElement("p");
      note.className = "meta chart-note";
      note.textContent = marker.note;
      const card = canvas.closest(".forecast, .keyword-card");
      const advice = card ? card.querySelector(".publish-by") : null;
      (advice || canvas.parentElement).insertAdjacentElement("afterend", note);
    }
    const markerLabel = marker && marker.now ? labels.publish_now : labels.publish_by;
    if (publishIndex >= 0 && markerLabel) {
      const markerData = new Array(allDates.length).fill(null);
      markerData[historyDates.length + publishIndex] = item.points[publishIndex].p50;
      datasets.push({
        label: markerLabel,
        data: markerData,
        borderColor: "#2e7d32",
        backgroundColor: "#2e7d32",
        pointRadius: 5,
        pointStyle: "triangle",
        showLine: false,
        // The tooltip shows the advised date instead of the median value the marker sits on.
        tooltipText: marker.day_label,
      });
    }

    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: allDates,
        datasets: datasets,
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { display: !small },
          tooltip: { callbacks: { label: tooltipLabel } },
        },
        scales: {
          x: { ticks: { maxTicksLimit: small ? 4 : 10 } },
          y: { beginAtZero: true },
        },
      },
    });
  });
})();
