// Building the page: an element helper that never sets HTML from data (all
// text goes in as text), and the number formats used across views.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const pct = (x, digits = 0) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(digits)}%`);
export const num = (x, digits = 2) => (x === null || x === undefined ? '–' : Number(x).toFixed(digits));
export const signed = (x, digits = 2) => (x === null || x === undefined ? '–' : `${x > 0 ? '+' : ''}${Number(x).toFixed(digits)}`);
export const minutes = (m) => (m === null || m === undefined ? '–' : m < 90 ? `${Math.round(m)} min` : `${(m / 60).toFixed(1)} h`);

// The benchmark bands on the share of negative conversations.
export const BANDS = [
  { name: 'strong', upTo: 0.1, color: '#2e7d32' },
  { name: 'healthy', upTo: 0.2, color: '#7cb342' },
  { name: 'strained', upTo: 0.35, color: '#f9a825' },
  { name: 'at risk', upTo: 1, color: '#c62828' },
];
export const bandColor = (name) => (BANDS.find((b) => b.name === name) || { color: '#777' }).color;

// A message's colour: grey when neutral, else red or green as deep as its
// compound score in [-1, 1] is strong.
export function toneColor(label, compound) {
  const c = Math.max(-1, Math.min(1, compound || 0));
  if (label === 'neutral') return '#eceff1';
  if (label === 'negative') return `rgba(198, 40, 40, ${0.15 + 0.5 * Math.abs(c)})`;
  return `rgba(46, 125, 50, ${0.15 + 0.5 * Math.abs(c)})`;
}

export function message(text, kind = 'info') {
  return h('p', { class: `note ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}
