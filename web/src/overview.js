// Overview: the score, its band, net score and shares; the trend with band
// zones and method changes; first response time beside it; drift toward
// neutral; and the related metrics (CSAT, NPS, escalation, reopen).
import { h, pct, num, signed, minutes, bandColor } from './dom.js';
import { trendChart, frtChart } from './charts.js';

function card(label, value, extra, attrs = {}) {
  return h('div', { class: 'card', ...attrs }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), extra);
}

function sharesBar(share) {
  const part = (k, cls) => h('span', { class: `share ${cls}`, style: { width: pct(share[k], 1) }, title: `${k} ${pct(share[k], 1)}` });
  return h('div', { class: 'shares' }, part('negative', 'neg'), part('neutral', 'neu'), part('positive', 'pos'));
}

export function renderOverview(root, report) {
  const r = report;
  const rel = r.related || {};
  const frt = rel.first_response_minutes || {};
  root.append(
    h('section', { class: 'cards', 'aria-label': 'headline' },
      card('Band', r.band || '–', h('div', { class: 'sub' }, `${pct(r.share?.negative, 1)} negative`),
        { 'data-testid': 'band', style: { borderTopColor: bandColor(r.band) } }),
      card('Mean score (1–5)', num(r.mean_score5), h('div', { class: 'sub' }, `${(r.scored || 0).toLocaleString()} conversations`), { 'data-testid': 'score' }),
      card('Net score', signed(r.net_score), h('div', { class: 'sub' }, '(positive − negative) / scored'), { 'data-testid': 'net' }),
      card('Shares', h('span', {}, `${pct(r.share?.negative)} / ${pct(r.share?.neutral)} / ${pct(r.share?.positive)}`), sharesBar(r.share || {}), { 'data-testid': 'shares' }),
    ),
  );
  // The shares checked against people: a random audit's labels correct the
  // model's (docs/report.md, "The corrected estimate").
  const e = r.estimate;
  const iv = (k) => `${pct(e.interval[k][0], 1)}–${pct(e.interval[k][1], 1)}`;
  root.append(h('p', { class: 'estimate', 'data-testid': 'estimate' },
    e
      ? [h('strong', {}, 'Checked by people: '),
        `${e.labels} conversations drawn at random and labelled put the true negative share at ${pct(e.share.negative, 1)} `
          + `(95% interval ${iv('negative')}; neutral ${pct(e.share.neutral, 1)}, positive ${pct(e.share.positive, 1)}): `
          + `${e.band}${e.band_certain ? '' : ', not certain'}. Model and people agree on ${pct(e.agreement)} of them.`]
      : [h('strong', {}, 'Not checked by people yet: '),
        `about ${(r.method?.audit_labels_for_3_points || 0).toLocaleString()} conversations drawn at random and labelled `
          + 'would give the true negative share within 3 points (convsent audit sample).']));
  const trend = r.trend || {};
  root.append(h('p', { class: 'direction', 'data-testid': 'direction' }, trend.direction || ''));
  const charts = h('section', { class: 'charts' });
  const trendEl = h('div', { class: 'chart', 'data-testid': 'trend-chart' });
  const frtEl = h('div', { class: 'chart', 'data-testid': 'frt-chart' });
  charts.append(trendEl, frtEl);
  root.append(charts);
  const series = trend.series || [];
  if (series.length) {
    // Drawn once laid out, so the charts take the width they are given.
    requestAnimationFrame(() => {
      trendChart(trendEl, series);
      frtChart(frtEl, series);
    });
  } else {
    trendEl.append(h('p', { class: 'note' }, 'No periods to plot.'));
  }
  const changes = series.filter((p) => p.method_change).map((p) => p.period);
  const drift = r.drift || {};
  const corr = r.speed?.frt_median_vs_negative_share_correlation;
  root.append(
    h('section', { class: 'facts' },
      h('div', { 'data-testid': 'drift' },
        h('strong', {}, 'Drift toward neutral: '),
        drift.earlier_neutral_share === undefined
          ? 'not enough periods'
          : `${drift.toward_neutral ? 'yes' : 'no'}: neutral ${pct(drift.earlier_neutral_share)} earlier, ${pct(drift.recent_neutral_share)} recently (p = ${num(drift.p, 4)})`),
      h('div', {}, h('strong', {}, 'Method changes: '), changes.length ? changes.join(', ') : 'none in this range'),
      h('div', {}, h('strong', {}, 'First response: '), `median ${minutes(frt.median)}, p90 ${minutes(frt.p90)}`,
        corr === undefined || corr === null ? '' : `; correlation of median wait with negative share across periods ${num(corr)}`),
      h('div', {}, h('strong', {}, 'Related: '),
        `CSAT ${rel.csat === null || rel.csat === undefined ? '–' : `${num(rel.csat, 0)}%`} (${rel.csat_responses || 0} answers), `,
        `NPS ${rel.nps === null || rel.nps === undefined ? '–' : num(rel.nps, 0)} (${rel.nps_responses || 0}), `,
        `escalated ${num(rel.escalation_rate, 1)}%, reopened ${num(rel.reopen_rate, 1)}%`),
    ),
  );
  const rows = series.map((p) =>
    h('tr', {},
      h('td', {}, p.period, p.method_change ? h('span', { class: 'badge method' }, 'method change') : ''),
      h('td', { class: 'num' }, p.scored),
      h('td', { class: 'num' }, pct(p.share.negative, 1)),
      h('td', {}, h('span', { class: 'dot', style: { background: bandColor(p.band) } }), p.band),
      h('td', { class: 'num' }, num(p.mean_score5)),
      h('td', { class: 'num' }, minutes(p.related?.first_response_minutes?.median))));
  root.append(
    h('table', { class: 'periods' },
      h('thead', {}, h('tr', {}, ['Period', 'Conversations', 'Negative', 'Band', 'Mean 1–5', 'Median FRT'].map((t) => h('th', {}, t)))),
      h('tbody', {}, rows)),
  );
}
