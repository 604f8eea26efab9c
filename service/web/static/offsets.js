// Citation offsets are Python str indices (code points); JS strings index UTF-16 code units.

/**
 * The UTF-16 index of the code point at `codePoints` in `text`.
 * @param {string} text
 * @param {number} codePoints
 * @param {number} [from] UTF-16 index to start counting at
 * @returns {number}
 */
export function utf16Index(text, codePoints, from = 0) {
  let units = from;
  for (let seen = 0; seen < codePoints; seen += 1) {
    if (units >= text.length) throw new RangeError(`offset ${codePoints} is past the text`);
    units += text.codePointAt(units) > 0xffff ? 2 : 1;
  }
  return units;
}

/**
 * Convert a code-point span [start, end) of `text` into a UTF-16 span.
 * @returns {[number, number]}
 */
export function utf16Span(text, start, end) {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end >= start)) {
    throw new RangeError(`bad span ${start}-${end}`);
  }
  const from = utf16Index(text, start);
  return [from, utf16Index(text, end - start, from)];
}
