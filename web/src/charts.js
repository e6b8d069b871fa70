// Charts, drawn by uPlot (from npm): the trend of the negative share with
// the band zones behind it and the method changes marked, and first
// response time beside it.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { BANDS } from './dom.js';

function size(el) {
  return { width: Math.max(320, (el.clientWidth || 656) - 16), height: 240 };  // inside the 8 px padding
}

// Band zones: horizontal stripes in the plot's background.
function bandZones(u) {
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  let from = 0;
  ctx.save();
  for (const band of BANDS) {
    const y0 = u.valToPos(Math.min(band.upTo * 100, u.scales.y.max), 'y', true);
    const y1 = u.valToPos(from * 100, 'y', true);
    ctx.fillStyle = `${band.color}22`;
    ctx.fillRect(left, Math.max(top, y0), width, Math.min(top + height, y1) - Math.max(top, y0));
    from = band.upTo;
    if (from * 100 >= u.scales.y.max) break;
  }
  ctx.restore();
}

// A dashed line at each period whose method (model version) changed.
function methodMarks(changes) {
  return (u) => {
    const { ctx } = u;
    const { top, height } = u.bbox;
    ctx.save();
    ctx.strokeStyle = '#5e35b1';
    ctx.fillStyle = '#5e35b1';
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 2;
    ctx.font = `${12 * devicePixelRatio}px sans-serif`;
    for (const x of changes) {
      const px = u.valToPos(x, 'x', true);
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, top + height);
      ctx.stroke();
      ctx.fillText('method change', px + 4, top + 14 * devicePixelRatio);
    }
    ctx.restore();
  };
}

export function trendChart(el, series) {
  const xs = series.map((p) => Date.parse(p.start) / 1000);
  const negative = series.map((p) => 100 * p.share.negative);
  const neutral = series.map((p) => 100 * p.share.neutral);
  const changes = series.filter((p) => p.method_change).map((p) => Date.parse(p.start) / 1000);
  const top = Math.max(40, Math.ceil(Math.max(...negative, ...neutral, 0) / 10) * 10 + 5);
  return new uPlot(
    {
      ...size(el),
      title: 'Share of negative conversations per period',
      scales: { x: { time: true }, y: { range: [0, top] } },
      axes: [{}, { label: '% of conversations', values: (u, v) => v.map((x) => `${x}%`) }],
      series: [
        {},
        { label: 'negative', stroke: '#c62828', width: 2, points: { size: 6 }, value: (u, v) => (v == null ? '–' : `${v.toFixed(1)}%`) },
        { label: 'neutral', stroke: '#78909c', width: 1, dash: [4, 4], value: (u, v) => (v == null ? '–' : `${v.toFixed(1)}%`) },
      ],
      hooks: { drawClear: [bandZones], draw: [methodMarks(changes)] },
    },
    [xs, negative, neutral],
    el,
  );
}

export function frtChart(el, series) {
  const xs = series.map((p) => Date.parse(p.start) / 1000);
  const median = series.map((p) => p.related?.first_response_minutes?.median ?? null);
  const p90 = series.map((p) => p.related?.first_response_minutes?.p90 ?? null);
  return new uPlot(
    {
      ...size(el),
      title: 'First response time (minutes)',
      scales: { x: { time: true } },
      axes: [{}, { label: 'minutes' }],
      series: [
        {},
        { label: 'median', stroke: '#1565c0', width: 2, points: { size: 6 } },
        { label: 'p90', stroke: '#90caf9', width: 1 },
      ],
    },
    [xs, median, p90],
    el,
  );
}
