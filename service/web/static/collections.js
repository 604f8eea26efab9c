// The collection picker: the collections the API key may read; the choice is this tab's.

import { call, collection, setCollection } from './api.js';
import { byId, h } from './dom.js';

const picker = byId('collection-picker');
const select = /** @type {HTMLSelectElement} */ (byId('collection'));
let listing = 0; // a newer listing supersedes an older one still in flight

/** Fill the picker; `onChange` runs when another collection is chosen. */
export function setupCollections(onChange) {
  select.addEventListener('change', () => {
    setCollection(select.value);
    onChange();
  });
  return listCollections();
}

/**
 * List the readable collections (again: a new key may see others). The picker shows only
 * when there is a choice; the default collection is the first option.
 */
export async function listCollections() {
  const mine = ++listing;
  let names = [];
  try {
    const body = await (await call('GET', '/v1/collections')).json();
    names = body.collections.map((c) => c.name);
  } catch {
    // no key yet, or an older service: the default collection only
  }
  if (mine !== listing) return;
  const chosen = collection();
  const options = [h('option', { value: '' }, 'Default collection')];
  for (const name of names) options.push(h('option', { value: name }, name));
  select.replaceChildren(...options);
  select.value = names.includes(chosen) ? chosen : '';
  if (select.value !== chosen) setCollection(select.value);
  picker.hidden = names.length < 2 && !chosen;
}
