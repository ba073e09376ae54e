// Time-series charts drawn by uPlot (served from its webjar inside the gateway jar).
import uPlot from '/console/vendor/uplot/uPlot.esm.js';
import { h } from './dom.js';

const COLOURS = ['#0b5cad', '#c2410c', '#1a6b34', '#7e22ce', '#a16207', '#0e7490'];

/** Shades each line's 95% interval (lo..hi) in the line's colour, under the lines. */
function intervalBands(lines) {
  return {
    hooks: {
      drawSeries: [(u, seriesIndex) => {
        const line = lines[seriesIndex - 1];
        if (!line || !line.lo || !line.hi) return;
        const xs = u.data[0];
        const ctx = u.ctx;
        ctx.save();
        ctx.fillStyle = `${line.colour}26`;
        ctx.strokeStyle = `${line.colour}80`;
        ctx.lineWidth = 1;
        const px = (i) => u.valToPos(xs[i], 'x', true);
        const py = (v) => u.valToPos(v, 'y', true);
        const idx = xs.map((_, i) => i).filter((i) => line.lo[i] !== null && line.hi[i] !== null);
        if (idx.length === 1) {
          // One point: an error bar.
          const i = idx[0];
          ctx.fillRect(px(i) - 4, py(line.hi[i]), 8, py(line.lo[i]) - py(line.hi[i]));
        } else if (idx.length > 1) {
          ctx.beginPath();
          idx.forEach((i, k) => (k ? ctx.lineTo(px(i), py(line.hi[i])) : ctx.moveTo(px(i), py(line.hi[i]))));
          [...idx].reverse().forEach((i) => ctx.lineTo(px(i), py(line.lo[i])));
          ctx.closePath();
          ctx.fill();
        }
        ctx.restore();
      }],
    },
  };
}

/**
 * A line chart titled `title` over times `xs` (ISO strings); `lines` are {label, values, lo, hi}, with an optional
 * shaded 95% interval between lo and hi. xRange ([from, to] as ISO strings) fixes the time axis to the period shown,
 * so one point is not drawn on an axis of years; yRange fixes the value axis to a metric's range (e.g. ratings 1–5).
 * Returns the card element; it resizes with its container.
 */
export function lineChart(title, xs, lines, { yLabel = '', xRange, yRange } = {}) {
  const plot = h('div', { class: 'plot' });
  const card = h('figure', { class: 'chart', 'aria-label': title }, h('h3', {}, title), plot);
  const coloured = lines.map((line, i) => ({ ...line, colour: COLOURS[i % COLOURS.length] }));
  const data = [xs.map((x) => Date.parse(x) / 1000), ...coloured.map((line) => line.values)];
  // The interval bounds belong in the y range too, or a band could be cut off.
  const bounds = coloured.flatMap((line) => [...line.values, ...(line.lo || []), ...(line.hi || [])]).filter((v) => v !== null && v !== undefined);
  const options = {
    width: 360, height: 220,
    series: [{}, ...coloured.map((line) => ({ label: line.label, stroke: line.colour, width: 2, points: { show: true, size: 6 } }))],
    scales: {
      x: { time: true, range: xRange ? () => xRange.map((x) => Date.parse(x) / 1000) : undefined },
      y: { range: yRange ? () => yRange : (u, min, max) => uPlot.rangeNum(Math.min(min, ...bounds), Math.max(max, ...bounds), 0.1, true) },
    },
    axes: [{}, { label: yLabel, size: 56 }],
    legend: { live: false },
    plugins: [intervalBands(coloured)],
  };
  const chart = new uPlot(options, data, plot);
  const fit = () => chart.setSize({ width: Math.max(220, plot.clientWidth), height: 220 });
  new ResizeObserver(fit).observe(plot);
  return card;
}
