// An answer's text with clickable [n] markers, and the list of its citations.

import { h } from './dom.js';

const MARKER = /\[(\d+)\]/g;

/** "outlet · date · author · p. N" of a citation or document, leaving out what is unknown. */
export function metaLine(item) {
  const page = item.page ? `p. ${item.page}` : null;
  return [item.outlet, item.date, item.author, page].filter(Boolean).join(' · ');
}

/**
 * The answer as nodes: its text, each `[n]` that names a citation turned into a button.
 * @param {string} text
 * @param {object[]} citations `[n]` is citations[n - 1]
 * @param {(citation: object, opener: HTMLElement) => void} open
 * @returns {(Node|string)[]}
 */
export function answerNodes(text, citations, open) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    const n = Number(match[1]);
    const citation = citations[n - 1];
    if (!citation) continue; // not a citation: stays text
    nodes.push(text.slice(last, match.index), markerButton(n, citation, open));
    last = match.index + match[0].length;
  }
  nodes.push(text.slice(last));
  return nodes;
}

function markerButton(n, citation, open) {
  return h(
    'button',
    {
      type: 'button',
      class: 'marker',
      'data-citation': n,
      title: `Open the quote of citation ${n} in “${citation.title}”`,
      onclick: (event) => open(citation, event.currentTarget),
    },
    `[${n}]`,
  );
}

/** One entry of the citation list: number, outlet and title, the quote, an open button. */
export function citationItem(n, citation, open) {
  const meta = metaLine(citation);
  const also = citation.also_reported_by || [];
  return h(
    'li',
    { id: `citation-${n}`, class: 'citation', 'data-doc-id': citation.doc_id },
    h(
      'p',
      { class: 'source' },
      h('span', { class: 'num' }, `[${n}]`),
      ' ',
      citation.outlet ? h('span', { class: 'outlet' }, citation.outlet) : null,
      citation.outlet ? ' ' : null,
      h('cite', { class: 'title', id: `citation-${n}-title` }, citation.title),
    ),
    meta ? h('p', { class: 'meta' }, meta) : null,
    h('blockquote', { class: 'quote' }, citation.quote),
    also.length ? h('p', { class: 'meta' }, `Also reported by: ${also.join(', ')}`) : null,
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'aria-describedby': `citation-${n}-title`,
        onclick: (event) => open(citation, event.currentTarget),
      },
      `Show [${n}] in the document`,
    ),
  );
}
