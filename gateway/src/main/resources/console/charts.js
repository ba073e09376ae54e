// Time-series charts drawn by uPlot (served from its webjar inside the gateway jar).
import uPlot from '/console/vendor/uplot/uPlot.esm.js';
import { h } from './dom.js';

const COLOURS = ['#0b5cad', '#c2410c', '#1a6b34', '#7e22ce', '#a16207', '#0e7490'];

/**
 * A line chart titled `title` over times `xs` (ISO strings); `lines` are {label, values, lo, hi}, with an optional
 * shaded 95% interval between lo and hi. Returns the card element; it resizes with its container.
 */
export function lineChart(title, xs, lines, { yLabel = '', yRange } = {}) {
  const card = h('figure', { class: 'chart', 'aria-label': title }, h('h3', {}, title));
  const plot = h('div', {});
  card.append(plot);
  const data = [xs.map((x) => Date.parse(x) / 1000)];
  const series = [{}];
  const bands = [];
  lines.forEach((line, i) => {
    const stroke = COLOURS[i % COLOURS.length];
    data.push(line.values);
    series.push({ label: line.label, stroke, width: 2, points: { show: xs.length < 40 } });
    const index = data.length - 1;
    if (line.lo && line.hi) {
      data.push(line.lo, line.hi);
      series.push({ label: `${line.label} 95% low`, stroke, width: 1, dash: [4, 4], points: { show: false } },
        { label: `${line.label} 95% high`, stroke, width: 1, dash: [4, 4], points: { show: false } });
      bands.push({ series: [index + 2, index + 1], fill: `${stroke}22` });
    }
  });
  const options = {
    width: 400, height: 220, series, bands,
    scales: { x: { time: true }, y: yRange ? { range: yRange } : {} },
    axes: [{}, { label: yLabel, size: 56 }],
    legend: { live: false },
  };
  const chart = new uPlot(options, data, plot);
  const fit = () => chart.setSize({ width: Math.max(240, plot.clientWidth || card.clientWidth - 16), height: 220 });
  new ResizeObserver(fit).observe(card);
  requestAnimationFrame(fit);
  return card;
}
