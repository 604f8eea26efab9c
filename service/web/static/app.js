// The page's entry point: the API key field and the collection picker, then the Ask,
// Documents and viewer parts.

import { apiKey, setApiKey } from './api.js';
import { setupAsk } from './ask.js';
import { listCollections, setupCollections } from './collections.js';
import { byId } from './dom.js';
import { load, setupDocuments } from './documents.js';
import { setupViewer } from './viewer.js';

function setupKey() {
  const input = /** @type {HTMLInputElement} */ (byId('api-key'));
  input.value = apiKey();
  const save = () => {
    setApiKey(input.value.trim());
    input.removeAttribute('aria-invalid');
  };
  input.addEventListener('input', save);
  byId('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    save();
    refresh(); // a new key may unlock the listings
  });
  input.addEventListener('change', refresh);
}

async function refresh() {
  await listCollections();
  await load(null);
}

setupKey();
setupCollections(() => load(null));
setupViewer();
setupAsk();
setupDocuments();
