// The metric tree: each node with its numbers, its movement against the
// previous period and its owners; then open alerts and interventions with
// their verdicts.
import { h, pct, num, signed } from './dom.js';

function arrow(change, p) {
  if (change === undefined || change === null) return '';
  const sig = p !== undefined && p < 0.05;
  const dir = change > 0 ? '▲' : change < 0 ? '▼' : '•';
  return h('span', { class: `move ${change > 0 ? 'up' : 'down'} ${sig ? 'sig' : ''}`, title: `p = ${num(p, 3)}` }, `${dir} ${signed(100 * change, 1)} pts`);
}

function owners(o) {
  if (!o) return '';
  const parts = [];
  if (o.accountable) parts.push(h('span', { class: 'owner' }, h('b', {}, 'A '), o.accountable));
  if (o.responsible?.length) parts.push(h('span', { class: 'owner' }, h('b', {}, 'R '), o.responsible.join(', ')));
  return h('div', { class: 'owners' }, parts);
}

function node(n, depth) {
  const isRoot = n.kind === 'root';
  const figures = isRoot
    ? h('div', { class: 'figures' }, `${pct(n.negative_share, 1)} negative of ${n.conversations} conversations`)
    : h('div', { class: 'figures' },
      h('span', {}, `in ${pct(n.prevalence)} of conversations `, arrow(n.change?.prevalence, n.change?.prevalence_p)),
      h('span', {}, ` · negative ${pct(n.negative_share_with)} with, ${pct(n.negative_share_without)} without`),
      h('span', {}, ` · lift ${signed(100 * (n.lift || 0), 1)} pts `, arrow(n.change?.lift, n.change?.lift_p)),
      h('span', {}, ` · ${pct(n.share_of_negative)} of negatives`));
  return h('li', { class: `node ${n.kind}`, 'data-node': n.id },
    h('div', { class: 'node-head' }, h('span', { class: 'node-name' }, n.name), h('span', { class: 'node-id' }, n.id)),
    figures,
    owners(n.owners),
    n.children?.length ? h('ul', {}, n.children.map((c) => node(c, depth + 1))) : '');
}

export function renderTree(root, tree, alerts, interventions) {
  root.append(
    h('p', { class: 'lead' },
      `Period ${tree.current_period} against ${tree.previous_period || 'nothing before'} (${tree.period}). `,
      tree.top_drivers?.length ? `Top drivers: ${tree.top_drivers.join(', ')}. ` : '',
      `${tree.unexplained_negative} negative conversations have no driver.`),
    h('ul', { class: 'tree', 'data-testid': 'tree' }, node(tree.root, 0)),
  );
  const open = alerts || [];
  root.append(
    h('section', { 'data-testid': 'alerts' },
      h('h3', {}, `Open alerts (${open.length})`),
      open.length
        ? h('ul', { class: 'alerts' }, open.map((a) =>
          h('li', {}, h('b', {}, a.node), ` ${a.kind} rose from ${pct(a.before, 1)} to ${pct(a.after, 1)} in ${a.period} (p = ${num(a.p, 4)}); accountable ${a.accountable || '–'}; webhook ${a.delivery || 'none'}`)))
        : h('p', { class: 'note' }, 'No open alert.')),
  );
  const list = interventions || [];
  root.append(
    h('section', { 'data-testid': 'interventions' },
      h('h3', {}, `Interventions (${list.length})`),
      list.length
        ? h('table', {},
          h('thead', {}, h('tr', {}, ['When', 'Node', 'Owner', 'Change', 'Verdict'].map((t) => h('th', {}, t)))),
          h('tbody', {}, list.map((i) =>
            h('tr', {},
              h('td', {}, (i.at || '').slice(0, 10)),
              h('td', {}, i.node, i.segment ? h('div', { class: 'sub' }, i.segment) : ''),
              h('td', {}, i.owner),
              h('td', {}, i.note),
              h('td', {}, h('b', { class: `verdict ${(i.verdict || '').replace(/ /g, '-')}` }, i.verdict || '–'), h('div', { class: 'sub' }, i.reasoning || ''))))))
        : h('p', { class: 'note' }, 'No intervention logged (convsent intervention add).')),
  );
}
