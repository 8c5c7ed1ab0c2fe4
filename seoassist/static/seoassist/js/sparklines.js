// Draw a small line per tracked keyword: recent interest, then the forecast median.
(function () {
  "use strict";
  const dataNode = document.getElementById("sparkline-data");
  if (!dataNode || !window.Chart) {
    return;
  }
  const lines = JSON.parse(dataNode.textContent);

  document.querySelectorAll("canvas[data-sparkline-index]").forEach(function (canvas) {
    const item = lines[Number(canvas.dataset.sparklineIndex)];
    if (!item || !item.history.length) {
      return;
    }
    const history = item.history;
    const forecast = item.forecast || [];
    const labels = history.concat(forecast).map(function (_value, index) { return index; });
    // The forecast starts at the last observed value, so the two lines join.
    const forecastLine = new Array(history.length - 1).fill(null)
      .concat([history[history.length - 1]], forecast);

    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: labels,
        datasets: [
          { data: history, borderColor: "#3b6ea5", borderWidth: 1.5, pointRadius: 0 },
          { data: forecastLine, borderColor: "#e67e22", borderWidth: 1.5, borderDash: [3, 2], pointRadius: 0 },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        events: [],
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: { x: { display: false }, y: { display: false, min: 0 } },
      },
    });
  });
})();
