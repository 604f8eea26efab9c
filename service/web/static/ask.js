// The Ask section: a question in, an answer streamed out, then its markers and citations.

import { ask } from './api.js';
import { answerNodes, citationItem } from './answer.js';
import { byId, h, report, showError } from './dom.js';
import { openCitation } from './viewer.js';

const form = /** @type {HTMLFormElement} */ (byId('ask-form'));
const question = /** @type {HTMLTextAreaElement} */ (byId('question'));
const button = /** @type {HTMLButtonElement} */ (byId('ask-button'));
const status = byId('ask-status');
const errorBox = byId('ask-error');
const answer = byId('answer');
const heading = byId('answer-heading');
const body = byId('answer-body');
const reason = byId('answer-reason');
const citationsSection = byId('citations-section');
const citations = byId('citations');

/** Wire the form: Enter asks, Shift+Enter is a new line. */
export function setupAsk() {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  question.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

/** `answer.dataset.state`: empty, asking, streaming, answered, refused or error. */
function setState(state) {
  answer.dataset.state = state;
}

function reset() {
  showError(errorBox, '');
  answer.hidden = true;
  answer.classList.remove('refusal');
  heading.textContent = 'Answer';
  body.replaceChildren();
  citations.replaceChildren();
  citationsSection.hidden = true;
}

function onDelta(text) {
  if (answer.dataset.state !== 'streaming') {
    setState('streaming');
    body.replaceChildren(h('p', { class: 'streaming' }));
    answer.hidden = false;
    answer.setAttribute('aria-busy', 'true');
    status.textContent = 'Answering…';
  }
  body.firstElementChild.append(text);
}

function showAnswer(result) {
  answer.hidden = false;
  if (result.refused) {
    setState('refused');
    answer.classList.add('refusal');
    heading.textContent = 'No answer in the documents';
    body.replaceChildren(h('p', {}, result.answer));
    reason.textContent = result.refusal_detail ? `Why: ${result.refusal_detail}` : '';
    reason.hidden = !reason.textContent;
    status.textContent = 'The documents do not answer this question.';
    return;
  }
  setState('answered');
  reason.hidden = true;
  const cited = result.citations || [];
  body.replaceChildren(h('p', {}, ...answerNodes(result.answer, cited, openCitation)));
  citations.replaceChildren(...cited.map((c, i) => citationItem(i + 1, c, openCitation)));
  citationsSection.hidden = cited.length === 0;
  const count = cited.length === 1 ? '1 citation' : `${cited.length} citations`;
  status.textContent = `Answered with ${count}. Select a marker to see its quote in the document.`;
}

async function submit() {
  if (button.disabled) return; // still answering the previous question
  const text = question.value.trim();
  if (!text) {
    question.focus();
    return;
  }
  button.disabled = true;
  reset();
  setState('asking');
  status.textContent = 'Searching the documents…';
  try {
    showAnswer(await ask(text, onDelta));
  } catch (error) {
    reset();
    setState('error');
    status.textContent = '';
    report(errorBox, 'No answer.', error);
  } finally {
    answer.removeAttribute('aria-busy');
    button.disabled = false;
  }
}
