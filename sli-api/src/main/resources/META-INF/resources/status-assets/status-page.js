// Draws one uPlot chart per SLI panel from the series the page embeds (the SLI API's points).
// Steps without events (null) are bridged by the line, so sparse streams still read as a trend;
// a chart without any value says so instead.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('series-data').textContent);
  var HEIGHT = 150;

  function format(unit, value) {
    if (value === null || value === undefined) {
      return '';
    }
    if (unit === '%') {
      return (Math.round(value * 100) / 100) + ' %';
    }
    if (unit === 'ms') {
      return value >= 1000 ? (Math.round(value / 10) / 100) + ' s' : Math.round(value) + ' ms';
    }
    return String(Math.round(value));
  }

  function yRange(unit) {
    return function (chart, min, max) {
      if (min === null || max === null) {
        return unit === '%' ? [0, 100] : [0, 1];
      }
      if (unit === '%') {
        return [Math.max(0, Math.floor(Math.min(min, 99) - 1)), 100];
      }
      return [0, Math.max(1, max * 1.15)];
    };
  }

  // Maintenance windows and platform faults: shaded behind the line, their time left out of the values.
  var SHADES = { maintenance: 'rgba(130, 80, 223, 0.14)', platform_fault: 'rgba(191, 135, 0, 0.18)' };
  var adjustments = data.adjustments || [];

  function shade(chart) {
    var context = chart.ctx;
    var box = chart.bbox;
    adjustments.forEach(function (adjustment) {
      var left = Math.max(box.left, chart.valToPos(adjustment.from, 'x', true));
      var right = Math.min(box.left + box.width, chart.valToPos(adjustment.to, 'x', true));
      if (right > left) {
        context.save();
        context.fillStyle = SHADES[adjustment.kind] || SHADES.maintenance;
        context.fillRect(left, box.top, right - left, box.height);
        context.restore();
      }
    });
  }

  var charts = [];
  document.querySelectorAll('[data-chart]').forEach(function (element) {
    var series = data.series[element.getAttribute('data-chart')];
    var unit = series.unit;
    var options = {
      width: Math.max(200, element.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true, range: [data.from, data.to] }, y: { range: yRange(unit) } },
      hooks: { drawClear: [shade] },
      series: [{}, {
        label: unit, stroke: '#0a58ca', width: 2, fill: 'rgba(10, 88, 202, 0.10)', spanGaps: true,
        value: function (chart, value) { return format(unit, value); }
      }],
      axes: [
        { stroke: '#57606a', grid: { stroke: '#eaeef2' }, ticks: { stroke: '#d0d7de' } },
        { stroke: '#57606a', grid: { stroke: '#eaeef2' }, ticks: { stroke: '#d0d7de' }, size: 64,
          incrs: unit === 'count' ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] : undefined,
          values: function (chart, values) { return values.map(function (value) { return format(unit, value); }); } }
      ]
    };
    var chart = new uPlot(options, [series.t, series.v], element);
    var drawn = series.v.filter(function (value) { return value !== null; }).length;
    if (drawn === 0) {
      var empty = document.createElement('p');
      empty.className = 'empty';
      empty.textContent = 'No events in this range';
      element.appendChild(empty);
    }
    // What the chart shows, for tests and assistive checks: its range and how many points carry a value.
    element.setAttribute('data-drawn-range', data.range);
    element.setAttribute('data-drawn-from', String(data.from));
    element.setAttribute('data-points', String(drawn));
    element.setAttribute('data-shaded', String(adjustments.length));
    charts.push({ chart: chart, element: element });
  });

  if ('ResizeObserver' in window) {
    var observer = new ResizeObserver(function () {
      charts.forEach(function (entry) {
        entry.chart.setSize({ width: Math.max(200, entry.element.clientWidth), height: HEIGHT });
      });
    });
    charts.forEach(function (entry) { observer.observe(entry.element); });
  }
})();
