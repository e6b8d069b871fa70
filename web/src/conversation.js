// One conversation's messages, coloured by score, with the words that moved
// each one: what the review queue and the Emerging view show. `blind` hides
// the model's scores (an audit item not yet resolved); a message's language
// shows when it is not English (docs/languages.md), blind or not: it says
// nothing of the tone.
import { h, num, toneColor } from './dom.js';

export function messagesView(c, blind = false) {
  const msgs = (c.messages || []).map((m) => {
    const s = blind ? null : m.score;
    const lang = m.score?.language && m.score.language !== 'en'
      ? ` · ${m.score.language === 'und' ? 'language not told' : m.score.language}${m.score.language_given ? ' (help desk)' : ''}`
      : '';
    return h('div', { class: `msg ${m.role}`, style: { background: s ? toneColor(s.label, s.compound) : '#fafafa' } },
      h('div', { class: 'meta' }, `${m.role}${m.author ? ` · ${m.author}` : ''}${m.at ? ` · ${m.at.replace('T', ' ').slice(0, 16)}` : ''}${lang}`,
        s ? h('span', { class: 'score' }, `${s.label} ${num(s.compound)}`) : blind ? '' : h('span', { class: 'score' }, 'not scored')),
      h('div', { class: 'text' }, m.text),
      s && s.explain?.length
        ? h('div', { class: 'explain' }, 'moved by: ', s.explain.map((e) => h('span', { class: `word ${e.weight < 0 ? 'neg' : 'pos'}` }, `${e.token} ${e.weight > 0 ? '+' : ''}${num(e.weight)}`)))
        : '');
  });
  return h('div', { class: 'messages' }, msgs);
}
