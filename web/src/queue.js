// The review queue, live: conversations that turned negative, newest
// events pushed by the server. Opening one shows its messages coloured by
// score with the words that moved them, the trajectory, and the actions:
// claim, release, resolve with a human label and a note. An audit item
// (drawn at random, convsent audit sample --queue) hides the model's scores
// until it is resolved, so that the reviewer's label is their own.
import { api, subscribe } from './api.js';
import { h, num, message } from './dom.js';
import { messagesView } from './conversation.js';

export function renderQueue(root, me) {
  const state = { status: 'active', order: 'severity', kind: 'all', selected: null };
  const list = h('div', { class: 'queue-list', 'data-testid': 'queue-list' });
  const detail = h('div', { class: 'queue-detail', 'data-testid': 'conversation' }, h('p', { class: 'note' }, 'Open a conversation from the queue.'));
  const liveBadge = h('span', { class: 'badge live', 'data-testid': 'live' }, 'connecting…');
  const statusSel = h('select', { 'aria-label': 'status', onchange: (e) => { state.status = e.target.value; load(); } },
    [['active', 'open and claimed'], ['open', 'open'], ['claimed', 'claimed'], ['resolved', 'resolved'], ['all', 'all']]
      .map(([v, t]) => h('option', { value: v }, t)));
  const orderSel = h('select', { 'aria-label': 'order', onchange: (e) => { state.order = e.target.value; load(); } },
    [['severity', 'by severity'], ['age', 'by age']].map(([v, t]) => h('option', { value: v }, t)));
  // The audit view: only the random draws, whose labels are what the
  // corrected share rests on; labelled blind, like every audit item.
  const kindSel = h('select', { 'aria-label': 'kind', onchange: (e) => { state.kind = e.target.value; load(); } },
    [['all', 'all items'], ['flagged', 'flagged by a rule'], ['audit', 'random audits']].map(([v, t]) => h('option', { value: v }, t)));
  root.append(
    h('div', { class: 'toolbar' }, h('label', {}, 'Show ', statusSel), h('label', {}, ' ', kindSel),
      h('label', {}, ' ordered ', orderSel), liveBadge),
    h('div', { class: 'queue' }, list, detail),
  );

  // Events come in bursts and each starts a load; their answers may come
  // back out of order, and only the latest load may draw the list (an
  // older answer drawn last would hide an item that just arrived).
  let latest = 0;
  async function load() {
    const mine = ++latest;
    try {
      // "active": what still needs a person, open and claimed together.
      const statuses = state.status === 'active' ? ['open', 'claimed'] : [state.status];
      const pages = await Promise.all(statuses.map((s) => api(`/v1/queue?status=${s}&order=${state.order}&limit=200`)));
      if (mine !== latest) return;
      const items = pages.flatMap((p) => p.items)
        .filter((it) => state.kind === 'all' || (state.kind === 'audit') === isAudit(it));
      const rank = { high: 0, medium: 1, low: 2, audit: 3 };
      if (state.order === 'severity') items.sort((a, b) => (rank[a.severity] ?? 3) - (rank[b.severity] ?? 3) || a.id - b.id);
      else items.sort((a, b) => a.id - b.id);
      const intro = state.kind === 'audit'
        ? [h('p', { class: 'note', 'data-testid': 'audit-intro' },
          `${items.length} random audit item${items.length === 1 ? '' : 's'} here. Label each customer's tone as you read it: `
          + 'the model\'s scores show once it is resolved, and the overview\'s corrected share uses these labels.')]
        : [];
      list.replaceChildren(...intro, ...(items.length ? items.map(item) : [h('p', { class: 'note' }, 'Nothing here.')]));
    } catch (e) {
      if (mine === latest) list.replaceChildren(message(e.message, 'error'));
    }
  }

  function item(it) {
    return h('button', {
      class: `queue-item sev-${it.severity} ${state.selected === it.id ? 'selected' : ''}`,
      'data-item': it.id,
      'data-conversation': it.conversation,
      onclick: () => open(it),
    },
    h('div', { class: 'row' }, h('b', {}, it.conversation), h('span', { class: `badge sev sev-${it.severity}` }, it.severity),
      it.audit && it.severity !== 'audit' ? h('span', { class: 'badge sev sev-audit' }, 'audit') : ''),
    h('div', { class: 'sub' }, it.reason),
    h('div', { class: 'sub' }, `${it.status}${it.claimed_by ? ` by ${it.claimed_by}` : ''} · ${(it.created_at || '').replace('T', ' ').slice(0, 16)}`));
  }

  async function open(it) {
    state.selected = it.id;
    for (const b of list.querySelectorAll('.queue-item')) b.classList.toggle('selected', Number(b.dataset.item) === it.id);
    detail.replaceChildren(h('p', { class: 'note' }, 'Loading…'));
    let c;
    try {
      c = await api(`/v1/conversations/${encodeURIComponent(it.conversation)}`);
    } catch (e) {
      detail.replaceChildren(message(e.message, 'error'));
      return;
    }
    detail.replaceChildren(conversationView(c, it));
  }

  async function act(it, action, body) {
    try {
      const updated = await api(`/v1/queue/${it.id}/${action}`, { method: 'POST', body: body || {} });
      await load();
      detail.prepend(message(`${action === 'resolve' ? 'Resolved' : action === 'claim' ? 'Claimed' : 'Released'} item ${updated.id ?? it.id}.`, 'ok'));
      const fresh = updated && updated.id ? updated : it;
      if (isAudit(it) && action === 'resolve') {
        await open(fresh);  // now the model's scores may be shown
        detail.prepend(message(`Resolved item ${fresh.id}.`, 'ok'));
        return;
      }
      detail.querySelector('.actions')?.replaceWith(actions(fresh));
    } catch (e) {
      detail.prepend(message(e.message, 'error'));
    }
  }

  function actions(it) {
    const mine = it.claimed_by === me.name;
    if (it.status === 'resolved') return h('div', { class: 'actions' }, h('p', {}, `Resolved by ${it.claimed_by || '–'} as ${it.label}${it.note ? `: ${it.note}` : ''}`));
    // An audit item starts with no label chosen: nothing to nod along to.
    const audit = isAudit(it);
    const label = h('select', { 'aria-label': 'label', name: 'label', required: audit },
      (audit ? [''] : []).concat(['negative', 'neutral', 'positive']).map((l) => h('option', { value: l }, l || 'choose…')));
    const note = h('input', { type: 'text', name: 'note', placeholder: 'note for the record', 'aria-label': 'note' });
    return h('div', { class: 'actions' },
      it.status === 'open' ? h('button', { class: 'primary', onclick: () => act(it, 'claim') }, 'Claim') : '',
      it.status === 'claimed' ? h('span', { class: 'sub' }, `claimed by ${it.claimed_by}${mine ? ' (you)' : ''} `) : '',
      it.status === 'claimed' ? h('button', { onclick: () => act(it, 'release') }, 'Release') : '',
      h('form', { class: 'resolve', onsubmit: (e) => { e.preventDefault(); act(it, 'resolve', { label: label.value, note: note.value }); } },
        h('label', {}, 'Human label ', label), note, h('button', { type: 'submit', class: 'primary' }, 'Resolve')));
  }

  function conversationView(c, it) {
    const blind = isAudit(it) && it.status !== 'resolved';
    const tone = blind ? null : c.tone;
    return h('div', {},
      h('h3', {}, `Conversation ${c.id}`),
      h('p', { class: 'sub' }, [c.channel, c.topic, c.team].filter(Boolean).join(' · ')),
      h('p', { 'data-testid': 'trajectory' },
        blind ? 'A random audit: label the customer\'s tone as you read it; the model\'s scores show once you have resolved it.'
          : tone ? `Customer tone ${tone.label} (${num(tone.compound)}), from ${tone.start} to ${tone.end}: ${tone.trajectory}.` : 'No customer message scored.',
        !blind && c.agent_tone ? ` Agent tone ${c.agent_tone.label}.` : ''),
      h('p', { class: 'reason' }, h('b', {}, 'Queued: '), it.reason),
      actions(it),
      messagesView(c, blind));
  }

  load();
  // Live: a new, claimed or resolved item reloads the list.
  const stop = subscribe('/v1/queue/events', (type) => {
    if (type === 'open') {
      liveBadge.textContent = 'live';
      liveBadge.classList.add('on');
      return;
    }
    load();
  });
  return stop;
}

// Drawn at random (an audit item), flagged by a rule since or not: its label
// is an audit label, given without the model's scores in sight.
function isAudit(it) {
  return it.audit || it.severity === 'audit';
}
