// What is new: the emerging issues of the latest period (phrases whose rate
// in negative conversations rose against the periods before), each with
// where it concentrates, example conversations and whether a tree driver
// covers it; then where the share negative moved (the drill-down).
import { h, pct, num, signed } from './dom.js';

const small = (q) => (q === null || q === undefined ? '–' : q < 0.001 ? Number(q).toExponential(1) : num(q, 3));

function segment(s) {
  return Object.entries(s).map(([k, v]) => `${k} = ${v}`).join(' × ');
}

function issue(i, openConversation) {
  return h('li', { class: 'issue', 'data-testid': 'issue' },
    h('div', { class: 'node-head' },
      h('span', { class: 'node-name' }, i.phrases.map((p) => `“${p}”`).join(', ')),
      i.covered_by
        ? h('span', { class: 'covered' }, `covered by ${i.covered_by}`)
        : h('span', { class: 'uncovered' }, 'no tree driver covers it')),
    h('div', { class: 'figures' },
      `${i.negative_now} negative conversations now, ${i.negative_before} in the baseline · `,
      `${num(i.lift, 1)}× the baseline rate (${pct(i.rate_now, 1)} against ${pct(i.rate_before, 1)} of conversations) · q = ${small(i.q)}`),
    i.related?.length ? h('div', { class: 'sub' }, 'Rising with it: ', i.related.map((p) => `“${p}”`).join(', ')) : '',
    i.segments?.length
      ? h('div', { class: 'sub' }, 'Concentrated in: ', i.segments.map((s, k) =>
        h('span', {}, k ? '; ' : '', `${s.dimension} = ${s.value} (${pct(s.share)} of it, ${pct(s.baseline_share)} of all)`)))
      : '',
    h('ul', { class: 'examples' }, (i.examples || []).map((e) =>
      h('li', {}, h('a', { href: '#', onclick: (ev) => { ev.preventDefault(); openConversation(e.conversation); } }, e.conversation), ': ', e.text))));
}

export function renderEmerging(root, d, openConversation) {
  root.append(
    h('p', { class: 'lead' },
      `${d.period}: ${d.conversations} conversations, ${d.negative} negative, against ${d.baseline.from} onward `,
      `(${d.baseline.conversations} conversations).`,
      d.left_out ? ` ${d.left_out} conversations scored by another method than ${d.model} are left out.` : ''),
    h('section', { 'data-testid': 'emerging' },
      h('h3', {}, `Emerging issues (${d.issues.length})`),
      d.issues.length
        ? h('ol', { class: 'issues' }, d.issues.map((i) => issue(i, openConversation)))
        : h('p', { class: 'note' }, 'Nothing new: no phrase of the negative conversations rose significantly.')),
  );
  const c = d.change;
  root.append(
    h('section', { 'data-testid': 'drilldown' },
      h('h3', {}, 'Where the share negative moved'),
      h('p', {}, `${pct(c.share_before, 1)} → ${pct(c.share_now, 1)} (${signed(100 * c.change, 1)} points) against the period before; `,
        `explained ${signed(100 * c.explained, 1)}, unexplained ${signed(100 * c.unexplained, 1)} points.`),
      d.drilldown.length
        ? h('table', {},
          h('thead', {}, h('tr', {}, ['Segment', 'Before', 'Now', 'Contribution', '95% interval'].map((t) => h('th', {}, t)))),
          h('tbody', {}, d.drilldown.map((r) =>
            h('tr', {},
              h('td', {}, segment(r.segment)),
              h('td', {}, `${pct(r.share_before, 1)} of ${r.conversations_before}`),
              h('td', {}, `${pct(r.share_now, 1)} of ${r.conversations_now}`),
              h('td', {}, `${signed(100 * r.contribution, 1)} pts`),
              h('td', {}, `${signed(100 * r.interval[0], 1)} to ${signed(100 * r.interval[1], 1)}`)))))
        : h('p', { class: 'note' }, 'No segment moved apart from the rest.')),
  );
  if (d.known?.length) {
    root.append(
      h('section', { 'data-testid': 'known' },
        h('h3', {}, 'Announced so far'),
        h('ul', {}, d.known.map((k) =>
          h('li', {}, `${k.period}: `, k.phrases.map((p) => `“${p}”`).join(', '), ` (${k.negative} negative conversations`,
            k.alert ? `, alert ${k.alert}` : '', ')')))));
  }
}
