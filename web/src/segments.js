// Segments: each dimension's values with the negative share and its 95%
// interval, pockets highlighted; a click filters the other views.
import { h, pct, num, bandColor } from './dom.js';

// The interval as a bar on a 0–100% scale, the overall share marked.
function intervalBar(seg, overall) {
  const [lo, hi] = seg.negative_interval || [seg.share.negative, seg.share.negative];
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 200 16');
  svg.setAttribute('class', 'interval');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `negative ${pct(seg.share.negative, 1)}, 95% interval ${pct(lo, 1)} to ${pct(hi, 1)}`);
  const line = (x1, x2, y1, y2, color, w) => {
    const l = document.createElementNS(svg.namespaceURI, 'line');
    Object.entries({ x1, x2, y1, y2, stroke: color, 'stroke-width': w }).forEach(([k, v]) => l.setAttribute(k, v));
    svg.append(l);
  };
  line(200 * overall, 200 * overall, 0, 16, '#999', 1);
  line(200 * lo, 200 * hi, 8, 8, seg.pocket ? '#c62828' : '#546e7a', 3);
  const dot = document.createElementNS(svg.namespaceURI, 'circle');
  Object.entries({ cx: 200 * seg.share.negative, cy: 8, r: 4, fill: seg.pocket ? '#c62828' : '#263238' }).forEach(([k, v]) => dot.setAttribute(k, v));
  svg.append(dot);
  return svg;
}

export function renderSegments(root, report, onPick) {
  const overall = report.share?.negative || 0;
  const byDim = new Map();
  for (const s of report.segments || []) {
    if (!byDim.has(s.dimension)) byDim.set(s.dimension, []);
    byDim.get(s.dimension).push(s);
  }
  if (!byDim.size) {
    root.append(h('p', { class: 'note' }, 'No segments: too few conversations, or a filter leaves one value per dimension.'));
    return;
  }
  const pockets = (report.segments || []).filter((s) => s.pocket);
  root.append(
    h('p', { class: 'lead', 'data-testid': 'pockets' },
      pockets.length
        ? `${pockets.length} painful pocket${pockets.length > 1 ? 's' : ''}: ${pockets.map((s) => `${s.dimension} = ${s.value}`).join(', ')}. Click a segment to filter every view.`
        : 'No pocket stands out from the average. Click a segment to filter every view.'),
  );
  for (const [dim, segs] of byDim) {
    segs.sort((a, b) => b.share.negative - a.share.negative);
    const rows = segs.slice(0, 25).map((s) =>
      h('tr', {
        class: s.pocket ? 'pocket clickable' : 'clickable',
        tabindex: 0,
        'data-segment': `${dim}=${s.value}`,
        onclick: () => onPick(dim, s.value),
        onkeydown: (e) => e.key === 'Enter' && onPick(dim, s.value),
      },
      h('td', {}, s.value, s.pocket ? h('span', { class: 'badge pocket' }, 'pocket') : ''),
      h('td', { class: 'num' }, s.scored),
      h('td', { class: 'num' }, pct(s.share.negative, 1)),
      h('td', {}, intervalBar(s, overall)),
      h('td', {}, h('span', { class: 'dot', style: { background: bandColor(s.band) } }), s.band),
      h('td', { class: 'num' }, num(s.mean_score5))));
    root.append(
      h('section', { class: 'segment-group' },
        h('h3', {}, dim, segs.length > 25 ? h('span', { class: 'sub' }, ` (the 25 most negative of ${segs.length})`) : ''),
        h('table', { class: 'segments' },
          h('thead', {}, h('tr', {}, ['Value', 'Conversations', 'Negative', '95% interval (grey: overall)', 'Band', 'Mean 1–5'].map((t) => h('th', {}, t)))),
          h('tbody', {}, rows))),
    );
  }
}
