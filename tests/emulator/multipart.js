'use strict';
// A multipart/form-data parser (RFC 7578) for the avatar upload that wx.uploadFile sends.

/** The boundary of a `multipart/form-data; boundary=...` content type, or null. */
function boundaryOf(contentType) {
  const match = /^\s*multipart\/form-data\s*;(.*)$/i.exec(contentType || '');
  if (!match) return null;
  const param = /(?:^|;)\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(match[1]);
  if (!param) return null;
  const boundary = param[1] || param[2];
  return boundary.length <= 70 ? boundary : null;
}

/** Header lines of one part -> { name: value } with lower-cased names. */
function parseHeaders(text) {
  const headers = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** The parameters of a Content-Disposition value (`form-data; name="file"; filename="a.png"`). */
function dispositionParams(value) {
  const params = {};
  const pattern = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  let match;
  while ((match = pattern.exec(value)) !== null) {
    params[match[1].toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3].trim();
  }
  return params;
}

/**
 * Parses a multipart/form-data body (a Buffer). Returns the parts as
 * [{ name, filename (or null), contentType, data: Buffer }], or null when the body is malformed.
 */
function parse(body, contentType) {
  const boundary = boundaryOf(contentType);
  if (!boundary) return null;
  const delimiter = Buffer.from('--' + boundary);
  const nextDelimiter = Buffer.from('\r\n--' + boundary);
  let position = body.indexOf(delimiter); // anything before the first delimiter is preamble
  if (position < 0) return null;
  const parts = [];
  for (;;) {
    const after = position + delimiter.length;
    const tail = body.subarray(after, after + 2).toString('latin1');
    if (tail === '--') return parts; // the closing delimiter; the epilogue is ignored
    if (tail !== '\r\n') return null;
    const start = after + 2;
    const end = body.indexOf(nextDelimiter, start);
    if (end < 0) return null; // no closing delimiter
    const part = body.subarray(start, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) return null;
    const headers = parseHeaders(part.subarray(0, headerEnd).toString('utf8'));
    if (!headers || !/^form-data\b/i.test(headers['content-disposition'] || '')) return null;
    const params = dispositionParams(headers['content-disposition']);
    if (params.name === undefined) return null;
    parts.push({
      name: params.name,
      filename: params.filename === undefined ? null : params.filename,
      contentType: headers['content-type'] || (params.filename === undefined ? 'text/plain' : 'application/octet-stream'),
      data: Buffer.from(part.subarray(headerEnd + 4)),
    });
    position = end + 2;
  }
}

module.exports = { parse };
