// The part of the browser's XMLHttpRequest that the SDK's long-polling connector uses (Node has
// none): open, send, abort, readyState, status, response, getResponseHeader and the
// `readystatechange` event. Requests go through node:http / node:https with the default agents.
import http from 'node:http';
import https from 'node:https';

export class NodeXhr {
  constructor() {
    this.readyState = 0;
    this.status = 0;
    this.response = '';
    this.responseText = '';
    this.responseType = '';
    this.onreadystatechange = null;
    this.listeners = [];
    NodeXhr.log.push(this);
  }

  addEventListener(type, fn) { if (type === 'readystatechange') this.listeners.push(fn); }

  open(method, url) {
    this.method = method;
    this.url = url;
    this.aborted = false;
    this.status = 0;
    this.response = this.responseText = '';
    this.resHeaders = {};
    this.readyState = 1;
    this.entry = { method, url, status: null };
    NodeXhr.requests.push(this.entry);
    this.fire();
  }

  getResponseHeader(name) {
    const v = this.resHeaders[name.toLowerCase()];
    return v === undefined ? null : String(v);
  }

  send(body) {
    const u = new URL(this.url);
    const req = (u.protocol === 'https:' ? https : http).request(u, { method: this.method }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        if (this.aborted || req !== this.req) return;
        this.status = res.statusCode;
        this.entry.status = res.statusCode;
        this.resHeaders = res.headers;
        this.response = this.responseText = Buffer.concat(chunks).toString();
        this.readyState = 4;
        this.fire();
      });
    });
    req.on('error', () => {
      if (this.aborted || req !== this.req) return;
      this.status = 0;
      this.readyState = 4;
      this.fire();
    });
    this.req = req;
    if (body !== undefined && body !== null) req.write(body);
    req.end();
  }

  // As in browsers: a request in flight ends with readyState 4 and status 0, then the object is
  // back at 0 and may be opened again.
  abort() {
    this.aborted = true;
    this.req?.destroy();
    if (this.readyState !== 0 && this.readyState !== 4) {
      this.status = 0;
      this.readyState = 4;
      this.fire();
    }
    this.readyState = 0;
  }

  fire() {
    this.onreadystatechange?.();
    for (const fn of this.listeners) fn();
  }
}
NodeXhr.log = [];      // every object made
NodeXhr.requests = []; // every request opened: {method, url, status (once answered)}
