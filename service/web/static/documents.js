// The Documents section: list the chosen collection, upload files, delete a document.

import { call, collectionBase, documentPath } from './api.js';
import { byId, h, report, showError } from './dom.js';

const PAGE_SIZE = 100;
const list = byId('documents');
const heading = byId('documents-heading');
const more = byId('documents-more');
const status = byId('documents-status');
const errorBox = byId('documents-error');
const uploadForm = /** @type {HTMLFormElement} */ (byId('upload-form'));
const fileInput = /** @type {HTMLInputElement} */ (byId('upload-files'));
const titles = new Map(); // doc_id -> title, for "duplicate of"
let nextCursor = null;
let generation = 0; // a newer listing supersedes an older one still in flight

/** Wire upload and "Load more", and list the first page. */
export function setupDocuments() {
  uploadForm.addEventListener('submit', (event) => {
    event.preventDefault();
    upload();
  });
  more.addEventListener('click', () => load(nextCursor));
  heading.tabIndex = -1; // focus lands here after a delete
  return load(null);
}

/** List the documents from the start (cursor null) or append the page after `cursor`. */
export async function load(cursor) {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (cursor) params.set('cursor', cursor);
  const mine = cursor ? generation : ++generation;
  try {
    const page = await (await call('GET', `${collectionBase()}/documents?${params}`)).json();
    if (mine !== generation) return;
    showError(errorBox, '');
    if (!cursor) {
      list.replaceChildren();
      titles.clear();
    }
    for (const doc of page.documents) titles.set(doc.doc_id, doc.title);
    list.append(...page.documents.map(documentItem));
    nextCursor = page.next_cursor;
    more.hidden = !nextCursor;
    list.dataset.loaded = 'true';
    if (!list.childElementCount) list.append(h('li', { class: 'empty' }, 'No documents yet.'));
  } catch (error) {
    if (mine === generation) report(errorBox, 'Cannot list the documents.', error);
  }
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function documentItem(doc) {
  const meta = [doc.outlet, doc.date, plural(doc.chunks, 'chunk'), doc.doc_id];
  const original = doc.duplicate_of ? titles.get(doc.duplicate_of) || doc.duplicate_of : null;
  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete');
  remove.setAttribute('aria-label', `Delete ${doc.title}`);
  remove.addEventListener('click', () => removeDocument(doc, remove));
  return h(
    'li',
    { class: 'doc', 'data-doc-id': doc.doc_id },
    h('p', { class: 'doc-title' }, doc.title),
    h('p', { class: 'meta' }, meta.filter((part) => part !== null && part !== '').join(' · ')),
    original ? h('p', { class: 'dup' }, `Near-duplicate of “${original}”`) : null,
    remove,
  );
}

function describeUpload(result) {
  const dup = result.duplicate_of ? `, near-duplicate of ${result.duplicate_of}` : '';
  const unread = (result.unread_pages || []).length
    ? `, scanned pages ${result.unread_pages.join(', ')} without text (OCR off)`
    : '';
  return `${result.doc_id} (${result.status}, ${plural(result.chunks, 'chunk')}${dup}${unread})`;
}

async function upload() {
  const files = Array.from(fileInput.files || []);
  if (!files.length) return;
  const form = new FormData();
  for (const file of files) form.append('files', file);
  showError(errorBox, '');
  status.textContent = `Uploading and indexing ${plural(files.length, 'file')}…`;
  try {
    const body = await (await call('POST', `${collectionBase()}/documents`, { form })).json();
    status.textContent = `Uploaded: ${body.documents.map(describeUpload).join('; ')}.`;
    uploadForm.reset();
    await load(null);
  } catch (error) {
    status.textContent = '';
    report(errorBox, 'Upload failed.', error);
  }
}

async function removeDocument(doc, button) {
  const question = `Delete “${doc.title}” (${doc.doc_id})? Answers stop citing it at once.`;
  if (!window.confirm(question)) return;
  button.disabled = true;
  showError(errorBox, '');
  try {
    const body = await (await call('DELETE', documentPath(doc.doc_id))).json();
    status.textContent = `Deleted ${doc.doc_id} (${plural(body.chunks_removed, 'chunk')}).`;
    await load(null);
    heading.focus();
  } catch (error) {
    button.disabled = false;
    report(errorBox, `Cannot delete ${doc.doc_id}.`, error);
  }
}
