// Playground (app and admin keys): a chat that streams the reply through POST /chat, names the expert that
// answered, regenerates the last reply and sends ratings as real feedback. Admin keys also see why: every
// expert's score for the conversation (POST /admin/routing/explain).
import { api, stream } from '../api.js';
import { h, show, errorBox, num } from '../dom.js';

export async function playgroundView(container, { me }) {
  const conversationId = `console-${crypto.randomUUID()}`;
  const userId = `console-${me.owner}`;
  const history = [];
  const log = h('div', { class: 'chat-log', id: 'chat-log', role: 'log', 'aria-live': 'polite' },
    h('p', { class: 'state', id: 'chat-empty' }, 'No messages yet. Ask something below.'));
  const input = h('textarea', { id: 'chat-input', rows: '3', placeholder: 'Ask something…' });
  const send = h('button', { type: 'submit', id: 'send' }, 'Send');
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'chat-form' }, h('label', { for: 'chat-input' }, 'Your message'), input,
    h('div', { class: 'actions' }, send), status);
  let last = null;

  async function turn(regenerate) {
    show(status);
    const empty = log.querySelector('#chat-empty');
    if (empty) empty.remove();
    const meta = h('div', { class: 'meta' }, 'Routing…');
    const text = h('div', { class: 'reply' });
    const controls = h('div', { class: 'actions' });
    const why = me.role === 'admin' ? h('div', { class: 'why' }) : null;
    const bubble = h('div', { class: 'msg assistant' }, meta, text, why, controls);
    if (regenerate && last) last.bubble.replaceWith(bubble); else log.append(bubble);
    send.disabled = true;
    let messageId = null;
    let expert = null;
    try {
      await stream('/chat', { user_id: userId, conversation_id: conversationId, messages: history, stream: true, regenerate: regenerate || undefined },
        (event, data) => {
          if (event === 'meta') {
            messageId = data.message_id;
            expert = data.expert;
            meta.textContent = `Answered by ${data.expert}`;
            meta.dataset.expert = data.expert;
          } else if (event === 'delta') {
            text.append(data.content);
            log.scrollTop = log.scrollHeight;
          } else if (event === 'error') {
            text.append(h('p', { class: 'error', role: 'alert' }, data.error ? data.error.message : 'The reply broke off.'));
          }
        });
      last = { bubble, messageId, reply: text.textContent };
      history.push({ role: 'assistant', content: text.textContent });
      bubble.dataset.messageId = messageId;
      show(controls, rating(messageId, expert), h('button', { type: 'button', class: 'secondary', id: 'regenerate', onclick: () => {
        history.pop();
        turn(true);
      } }, 'Regenerate'));
      if (why) explain(why);
    } catch (error) {
      show(meta, 'No reply');
      show(text, errorBox(error, me.role));
      if (!regenerate) history.pop();
    } finally {
      send.disabled = false;
    }
  }

  async function explain(target) {
    try {
      const result = await api('POST', '/admin/routing/explain', { messages: history.slice(0, -1) });
      show(target, h('details', { open: true }, h('summary', {}, `Why: scores by controller ${result.controller_version}`),
        h('ol', { id: 'why' }, result.experts.map((e) => h('li', {}, `${e.name}: ${num(e.score, 4)}`)))));
    } catch (error) {
      show(target, errorBox(error, me.role));
    }
  }

  function rating(messageId, expert) {
    const sent = h('span', { role: 'status' });
    const group = h('div', { role: 'group', 'aria-label': `Rate this reply from ${expert}`, class: 'rating' }, 'Rate: ',
      [1, 2, 3, 4, 5].map((value) => h('button', { type: 'button', class: 'secondary', 'data-rating': value,
        'aria-label': `Rate ${value} of 5`, onclick: async () => {
          try {
            const result = await api('POST', '/feedback', { message_id: messageId, type: 'rating', value });
            sent.textContent = result.duplicate ? 'Already rated.' : `Rated ${value}/5. Thank you.`;
            sent.id = 'rated';
          } catch (error) {
            show(sent, errorBox(error, me.role));
          }
        } }, String(value))), sent);
    return group;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const content = input.value.trim();
    if (!content || send.disabled) return;
    history.push({ role: 'user', content });
    log.append(h('div', { class: 'msg user' }, h('div', { class: 'meta' }, 'You'), content));
    input.value = '';
    turn(false);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  show(container, h('h1', {}, 'Playground'),
    h('p', { class: 'hint' }, `Conversation ${conversationId} as user ${userId}. Ctrl+Enter sends.`), log, form);
}
