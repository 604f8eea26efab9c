// Talking to the citedqa HTTP API: the API key, problem+json errors, streamed answers.

import { SseParser } from './sse.js';

const KEY_STORAGE = 'citedqa.apiKey';
const COLLECTION_STORAGE = 'citedqa.collection';

/** An HTTP or network failure, described the way the page shows it. */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, or 0 when the service could not be reached
   * @param {string} title
   * @param {string} detail
   */
  constructor(status, title, detail) {
    super(detail || title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
}

/** The API key of this tab ('' when none). */
export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE) || '';
}

/** Remember (or, when empty, forget) the API key for this tab. */
export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

/** The collection chosen in this tab ('' for the service's default collection). */
export function collection() {
  return sessionStorage.getItem(COLLECTION_STORAGE) || '';
}

/** Choose (or, when empty, go back to the default) collection for this tab. */
export function setCollection(name) {
  if (name) sessionStorage.setItem(COLLECTION_STORAGE, name);
  else sessionStorage.removeItem(COLLECTION_STORAGE);
}

/** Where the chosen collection's question and document routes are. */
export function collectionBase() {
  const name = collection();
  return name ? `/v1/collections/${encodeURIComponent(name)}` : '/v1';
}

/** A sentence for the user saying what went wrong and, where possible, what to do. */
export function describe(error) {
  if (!(error instanceof ApiError)) return `Something went wrong in the page: ${error}`;
  const { status, title, detail } = error;
  if (status === 0) return `${title}: ${detail}`;
  const said = detail && detail !== title ? `${title}: ${detail}` : title;
  if (status === 401) {
    return `The service needs a valid API key (401 ${said}). Enter it in the API key field.`;
  }
  if (status === 403) return `The API key may not do this (403 ${said}).`;
  if (status === 429) return `Too many requests (429 ${said}). Wait a moment and try again.`;
  if (status >= 500) return `The service failed (${status} ${said}). Try again later.`;
  return `The request was refused (${status} ${said}).`;
}

/** An ApiError from a non-2xx response, using its problem+json body when it has one. */
async function problemOf(response) {
  let title = response.statusText || 'Error';
  let detail = '';
  try {
    const body = await response.json();
    if (typeof body.title === 'string' && body.title) title = body.title;
    if (typeof body.detail === 'string') detail = body.detail;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(response.status, title, detail);
}

const unreachable = () =>
  new ApiError(0, 'Service unreachable', 'cannot reach the citedqa service. Is it running?');

/**
 * fetch() with the API key; throws ApiError for network failures and non-2xx responses.
 * @param {string} method
 * @param {string} path
 * @param {{json?: unknown, form?: FormData}} [body]
 * @returns {Promise<Response>}
 */
export async function call(method, path, { json, form } = {}) {
  const headers = { Accept: 'application/json, text/event-stream' };
  const key = apiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: json !== undefined ? JSON.stringify(json) : form,
    });
  } catch {
    throw unreachable();
  }
  if (!response.ok) throw await problemOf(response);
  return response;
}

/** The path of a document: each doc_id segment percent-encoded. */
export function documentPath(docId) {
  return `${collectionBase()}/documents/${docId.split('/').map(encodeURIComponent).join('/')}`;
}

let streaming = true; // becomes false when the service rejects the `stream` field

/** The final QueryResponse of a stream; an error when the stream ended without one. */
function finished(final) {
  if (!final) throw new ApiError(0, 'Answer incomplete', 'the stream ended without an answer');
  return final;
}

/** Read an SSE answer: deltas to `onDelta`, then the final QueryResponse. */
async function readAnswerStream(response, onDelta) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  let final = null;
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch {
      throw new ApiError(0, 'Connection lost', 'the answer stopped before it was complete');
    }
    if (chunk.done) return finished(final);
    for (const { event, data } of parser.push(chunk.value)) {
      const payload = JSON.parse(data);
      if (event === 'delta') onDelta(String(payload.text ?? ''));
      else if (event === 'final') final = payload;
      else if (event === 'error') {
        reader.cancel().catch(() => {});
        throw new ApiError(payload.status || 500, payload.title || 'Error', payload.detail || '');
      } else if (event === 'done') {
        reader.cancel().catch(() => {});
        return finished(final);
      }
    }
  }
}

/**
 * Ask a question. Streams when the service can (deltas go to `onDelta`), otherwise makes a
 * plain request. Resolves to the QueryResponse; its answer replaces any streamed text.
 * @param {string} question
 * @param {(text: string) => void} onDelta
 */
export async function ask(question, onDelta) {
  if (streaming) {
    try {
      const json = { question, stream: true };
      const response = await call('POST', `${collectionBase()}/query`, { json });
      const type = response.headers.get('content-type') || '';
      if (!type.startsWith('text/event-stream')) return await response.json();
      return await readAnswerStream(response, onDelta);
    } catch (error) {
      const rejected = error instanceof ApiError && error.status === 422;
      if (!(rejected && /\bstream\b/.test(error.detail))) throw error;
      streaming = false; // an older service: ask again without streaming, from now on
    }
  }
  const response = await call('POST', `${collectionBase()}/query`, { json: { question } });
  return await response.json();
}
