// A Server-Sent Events parser for fetch() streams (EventSource cannot POST).

/** @typedef {{event: string, data: string}} SseEvent */

/** Parse one frame (the lines between blank lines); null when it carries no data. */
function parseFrame(frame) {
  let event = 'message';
  const data = [];
  for (const line of frame.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length ? { event, data: data.join('\n') } : null;
}

/** Feed decoded text in chunks of any size; get back the events each chunk completed. */
export class SseParser {
  constructor() {
    this.buffer = '';
  }

  /**
   * @param {string} chunk
   * @returns {SseEvent[]}
   */
  push(chunk) {
    let text = this.buffer + chunk;
    let held = '';
    if (text.endsWith('\r')) {
      held = '\r'; // may be the first half of a CRLF split across chunks
      text = text.slice(0, -1);
    }
    text = text.replace(/\r\n?/g, '\n');
    const events = [];
    let end = text.indexOf('\n\n');
    while (end >= 0) {
      const parsed = parseFrame(text.slice(0, end));
      if (parsed) events.push(parsed);
      text = text.slice(end + 2);
      end = text.indexOf('\n\n');
    }
    this.buffer = text + held;
    return events;
  }
}
