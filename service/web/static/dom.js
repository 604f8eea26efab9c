// Building DOM nodes from data. Strings always become Text nodes, never markup.

import { ApiError, describe } from './api.js';

/**
 * Create an element. `attrs` values are set with setAttribute (or as listeners for `on*`
 * keys); children are nodes or strings, strings inserted as text.
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...(Node|string|null|undefined|false)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** The element with this id (throws if the page lacks it). */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page element #${id} is missing`);
  return el;
}

/** Show `message` in an alert box, or hide the box when message is empty. */
export function showError(box, message) {
  box.textContent = message;
  box.hidden = !message;
}

/**
 * Show a failure in `box` as "`prefix` what went wrong"; on a 401, point at the API key field.
 * @param {HTMLElement} box
 * @param {string} prefix
 * @param {unknown} error
 */
export function report(box, prefix, error) {
  showError(box, `${prefix} ${describe(error)}`);
  if (error instanceof ApiError && error.status === 401) {
    const key = byId('api-key');
    key.setAttribute('aria-invalid', 'true');
    key.focus();
  }
}
