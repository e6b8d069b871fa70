// The convsent dashboard: sign in with an API key, then the views the key's
// role may see. viewer: overview, segments, tree, emerging; reviewer: and the queue;
// admin: everything; ingest keys only send data.
import './style.css';
import { api, savedKey, saveKey } from './api.js';
import { h, message } from './dom.js';
import { renderOverview } from './overview.js';
import { renderSegments } from './segments.js';
import { renderTree } from './tree.js';
import { renderEmerging } from './emerging.js';
import { messagesView } from './conversation.js';
import { renderQueue } from './queue.js';

const VIEWS = [
  { id: 'overview', title: 'Overview', roles: ['admin', 'viewer', 'reviewer'] },
  { id: 'segments', title: 'Segments', roles: ['admin', 'viewer', 'reviewer'] },
  { id: 'tree', title: 'Tree', roles: ['admin', 'viewer', 'reviewer'] },
  { id: 'emerging', title: 'Emerging', roles: ['admin', 'viewer', 'reviewer'] },
  { id: 'queue', title: 'Review queue', roles: ['admin', 'reviewer'] },
];

const state = { me: null, view: 'overview', filter: null, period: 'week', stop: null };
const app = document.getElementById('app');

function query() {
  const q = new URLSearchParams({ period: state.period });
  if (state.filter) q.append('where', `${state.filter.key}=${state.filter.value}`);
  return q.toString();
}

function signIn(error) {
  const input = h('input', { type: 'password', name: 'key', autocomplete: 'off', placeholder: 'cs_…', 'aria-label': 'API key', required: true });
  app.replaceChildren(
    h('main', { class: 'signin' },
      h('h1', {}, 'convsent'),
      h('p', {}, 'Sign in with an API key (', h('code', {}, 'convsent keys create --role viewer'), ').'),
      error ? message(error, 'error') : '',
      h('form', {
        onsubmit: async (e) => {
          e.preventDefault();
          try {
            state.me = await api('/v1/me', { key: input.value.trim() });
            saveKey(input.value.trim());
            route();
          } catch (err) {
            signIn(err.status === 401 ? 'That key is unknown or revoked.' : err.message);
          }
        },
      }, input, h('button', { type: 'submit', class: 'primary' }, 'Sign in'))),
  );
  input.focus();
}

function shell(views) {
  const nav = h('nav', {}, views.map((v) =>
    h('a', { href: `#${v.id}`, class: v.id === state.view ? 'active' : '', 'aria-current': v.id === state.view ? 'page' : undefined }, v.title)));
  const filter = state.filter
    ? h('span', { class: 'filter', 'data-testid': 'filter' }, `${state.filter.key} = ${state.filter.value}`,
      h('button', { class: 'clear', title: 'clear the filter', 'aria-label': 'clear the filter', onclick: () => { state.filter = null; route(); } }, '×'))
    : '';
  const period = h('select', { 'aria-label': 'period', onchange: (e) => { state.period = e.target.value; route(); } },
    ['week', 'day'].map((p) => h('option', { value: p, selected: p === state.period }, p === 'week' ? 'weekly' : 'daily')));
  const main = h('main', { id: 'view' });
  app.replaceChildren(
    h('header', {},
      h('span', { class: 'brand' }, 'convsent'), nav, filter,
      h('span', { class: 'spacer' }),
      state.view === 'queue' ? '' : period,
      h('span', { class: 'who' }, `${state.me.name} (${state.me.role})`),
      h('button', { onclick: () => { saveKey(''); state.me = null; signIn(); } }, 'Sign out')),
    main,
  );
  return main;
}

async function route() {
  if (state.stop) {
    state.stop();
    state.stop = null;
  }
  if (!state.me) {
    if (!savedKey()) return signIn();
    try {
      state.me = await api('/v1/me');
    } catch (e) {
      saveKey('');
      return signIn(e.status === 401 ? 'Signed out: the key is unknown or revoked.' : e.message);
    }
  }
  const views = VIEWS.filter((v) => v.roles.includes(state.me.role));
  if (!views.length) {
    app.replaceChildren(h('main', {}, message(`An ${state.me.role} key may only send data; sign in with a viewer, reviewer or admin key.`, 'error'),
      h('button', { onclick: () => { saveKey(''); state.me = null; signIn(); } }, 'Sign out')));
    return;
  }
  const wanted = location.hash.slice(1);
  state.view = views.some((v) => v.id === wanted) ? wanted : views[0].id;
  const main = shell(views);
  main.append(h('p', { class: 'loading' }, 'Loading…'));
  try {
    if (state.view === 'overview' || state.view === 'segments') {
      const report = await api(`/v1/report?${query()}`);
      main.replaceChildren();
      if (state.view === 'overview') renderOverview(main, report);
      else renderSegments(main, report, (key, value) => { state.filter = { key, value }; location.hash = '#overview'; });
    } else if (state.view === 'tree') {
      const q = state.filter ? `?where=${encodeURIComponent(`${state.filter.key}=${state.filter.value}`)}` : '';
      const [tree, alerts, interventions] = await Promise.all([api(`/v1/tree${q}`), api('/v1/alerts'), api('/v1/interventions')]);
      main.replaceChildren();
      renderTree(main, tree, alerts.alerts, interventions.interventions);
    } else if (state.view === 'emerging') {
      // Discovery reads the whole store, not a filtered view of it.
      const found = await api(`/v1/discover?period=${state.period}`);
      main.replaceChildren();
      renderEmerging(main, found, (id) => openConversation(main, id));
    } else {
      main.replaceChildren();
      state.stop = renderQueue(main, state.me);
    }
  } catch (e) {
    main.replaceChildren(message(e.message, 'error'));
  }
}

// One conversation, from an example of the Emerging view: its messages with
// their tones, and a way back.
async function openConversation(main, id) {
  const c = await api(`/v1/conversations/${encodeURIComponent(id)}`);
  main.replaceChildren(
    h('button', { onclick: () => route() }, '← Back to the emerging issues'),
    h('div', { class: 'queue-detail', 'data-testid': 'conversation' },
      h('h3', {}, `Conversation ${c.id}`),
      h('p', { class: 'sub' }, [c.channel, c.topic, c.team].filter(Boolean).join(' · ')),
      messagesView(c)));
}

window.addEventListener('hashchange', route);
route();
