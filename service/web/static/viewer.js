// The source viewer: a document's text with the cited span highlighted and scrolled to.

import { call, describe, documentPath } from './api.js';
import { metaLine } from './answer.js';
import { byId, h } from './dom.js';
import { utf16Span } from './offsets.js';

const dialog = /** @type {HTMLDialogElement} */ (byId('viewer'));
const title = byId('viewer-title');
const meta = byId('viewer-meta');
const status = byId('viewer-status');
const text = byId('viewer-text');
let opener = null;
let latest = 0; // only the newest open request may fill the viewer

/** Wire the close button; focus goes back to what opened the viewer. */
export function setupViewer() {
  byId('viewer-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    if (opener && opener.isConnected) opener.focus();
    opener = null;
  });
}

function setStatus(message, kind) {
  status.textContent = message;
  status.dataset.kind = kind;
}

/**
 * Where the quote is in `doc.text` as a UTF-16 span: at its offsets when it is there
 * ('offsets'), else its first verbatim occurrence ('search'), else null.
 */
function locate(doc, citation) {
  try {
    const [start, end] = utf16Span(doc.text, citation.start, citation.end);
    if (doc.text.slice(start, end) === citation.quote) return { start, end, how: 'offsets' };
  } catch {
    // offsets past the end of the text: the document changed
  }
  const at = citation.quote ? doc.text.indexOf(citation.quote) : -1;
  return at < 0 ? null : { start: at, end: at + citation.quote.length, how: 'search' };
}

function show(doc, citation) {
  title.textContent = doc.title;
  meta.textContent = [metaLine(doc), doc.doc_id].filter(Boolean).join(' · ');
  const found = locate(doc, citation);
  if (!found) {
    text.replaceChildren(doc.text);
    setStatus('The quote is not in this document any more: it changed after the answer.', 'warn');
    return;
  }
  const mark = h('mark', { id: 'viewer-highlight', tabindex: '-1', 'data-found-by': found.how });
  mark.append(doc.text.slice(found.start, found.end));
  text.replaceChildren(doc.text.slice(0, found.start), mark, doc.text.slice(found.end));
  if (found.how === 'offsets') {
    setStatus(`Quote verified at characters ${citation.start}–${citation.end}.`, 'ok');
  } else {
    setStatus('The quote is not at its offsets (the document changed); shown where it occurs.', 'warn');
  }
  mark.scrollIntoView({ block: 'center' });
  mark.focus({ preventScroll: true });
}

/**
 * Open the viewer on a citation's document, the quoted span highlighted.
 * @param {object} citation
 * @param {HTMLElement} [from] the control that opened it (focused again on close)
 */
export async function openCitation(citation, from) {
  const mine = ++latest;
  opener = from || document.activeElement;
  title.textContent = citation.title;
  meta.textContent = metaLine(citation);
  text.replaceChildren();
  setStatus('Loading the document…', 'busy');
  if (!dialog.open) dialog.showModal();
  try {
    const doc = await (await call('GET', documentPath(citation.doc_id))).json();
    if (mine === latest) show(doc, citation);
  } catch (error) {
    if (mine === latest) setStatus(`Cannot show the document. ${describe(error)}`, 'error');
  }
}
