// GopherMesh dashboard: live status over Server-Sent Events, config edits through POST api/config.
// All URLs are relative so the UI also works when mounted under a context path.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const MAX_LOG_LINES = 5000;

  const state = {
    status: {},      // public port -> route status, from api/status or the status event
    metrics: {},     // public port -> counters
    config: {},      // the routes object, from api/config
    etag: null,      // ETag of that routes object
    structure: '',   // what the rendered route cards were built from
    source: null,    // the EventSource
    logRef: null,    // backend whose log is open
    logPending: null, // live lines received while the history loads
    edit: null,      // the backend form's target: {port, index, base, etag}
    jsonEtag: null,
  };

  // ---------- small helpers ----------

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value == null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key === 'data') Object.assign(node.dataset, value);
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children) {
      if (child != null) node.append(child);
    }
    return node;
  }

  function clone(value) {
    return JSON.parse(JSON.stringify(value));
  }

  function fmt(n) {
    if (n == null || Number.isNaN(Number(n))) return '–';
    return Number(n).toLocaleString('en-US');
  }

  function fmtMs(ms) {
    if (!ms) return '–';
    return ms < 10 ? `${Number(ms).toFixed(2)} ms` : `${Math.round(ms)} ms`;
  }

  function sortedPorts(obj) {
    return Object.keys(obj || {}).sort((a, b) => Number(a) - Number(b));
  }

  let toastTimer = null;
  function toast(message, kind) {
    const box = $('toast');
    box.textContent = message;
    box.dataset.kind = kind || 'info';
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, kind === 'error' ? 7000 : 3500);
  }

  function showError(id, message) {
    const box = $(id);
    box.textContent = message || '';
    box.hidden = !message;
  }

  // ---------- API ----------

  async function api(path, options = {}) {
    const init = {
      credentials: 'same-origin',
      ...options,
      headers: { Accept: 'application/json', ...(options.headers || {}) },
    };
    const res = await fetch(path, init);
    const text = await res.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (res.status === 401 && !path.startsWith('login')) showLogin();
    return { res, body, text };
  }

  function errorOf(result) {
    return (result.body && result.body.error) || `HTTP ${result.res.status} ${result.res.statusText}`;
  }

  async function loadConfig() {
    const r = await api('api/config');
    if (!r.res.ok) throw new Error(errorOf(r));
    state.config = JSON.parse(r.text);
    state.etag = r.res.headers.get('ETag');
    renderIfChanged();
    return state.config;
  }

  async function loadStatus() {
    const r = await api('api/status');
    if (r.res.ok && r.body) render(r.body.data);
    return r;
  }

  async function refresh() {
    await Promise.all([loadConfig(), loadStatus()]);
  }

  // Sends a routes object (or its text) with If-Match; re-reads everything on success.
  async function postConfig(routes, etag) {
    const headers = { 'Content-Type': 'application/json' };
    if (etag) headers['If-Match'] = etag;
    const body = typeof routes === 'string' ? routes : JSON.stringify(routes, null, 2);
    const r = await api('api/config', { method: 'POST', headers, body });
    if (r.res.ok && r.body && r.body.code === 200) {
      try { await refresh(); } catch (e) { toast(`Saved, but reading it back failed: ${e.message}`, 'error'); }
      return { ok: true, msg: r.body.msg };
    }
    if (r.res.status === 412) {
      try { await loadConfig(); } catch (e) { /* shown below */ }
      return {
        ok: false,
        stale: true,
        error: `${errorOf(r)}\n\nThe latest config has been loaded. Reopen the form and apply your change again.`,
      };
    }
    return { ok: false, error: errorOf(r) };
  }

  // ---------- rendering ----------

  function render(routes) {
    state.status = routes || {};
    renderIfChanged();
  }

  function structureKey() {
    return JSON.stringify(sortedPorts(state.status).map((port) => {
      const r = state.status[port];
      const conf = state.config[port] || {};
      return [port, r.name, r.protocol, r.stdioMode, r.loadBalance,
        r.backends.map((b) => [b.ref, b.name, b.internalHost, b.internalPort]),
        (conf.backends || []).map((b) => [b.cmd, b.args])];
    }));
  }

  function renderIfChanged() {
    const key = structureKey();
    if (key !== state.structure) {
      state.structure = key;
      buildRoutes();
    }
    updateRoutes();
    updateSummary();
  }

  function backendCommand(port, index) {
    const b = ((state.config[port] || {}).backends || [])[index];
    if (!b) return '';
    if (b.cmd === 'internal') return 'internal health answer';
    if (!b.cmd) return 'proxy to a running server';
    return [b.cmd, ...(b.args || [])].join(' ');
  }

  function buildRoutes() {
    const container = $('routes');
    container.replaceChildren();
    const ports = sortedPorts(state.status);
    $('empty').hidden = ports.length > 0 || !$('login').hidden;
    for (const port of ports) {
      const route = state.status[port];
      const isStdio = route.protocol === 'stdio';
      const protocolLabel = isStdio ? `stdio · ${route.stdioMode || 'stream'}` : route.protocol;

      const head = el('header', { class: 'route-head' },
        el('div', { class: 'route-id' },
          el('span', { class: 'port', text: `:${port}` }),
          el('h2', { class: 'route-name', text: route.name || `Route-${port}`, title: route.name })),
        el('div', { class: 'chips' },
          el('span', { class: 'chip chip-protocol', text: protocolLabel }),
          el('span', { class: 'chip chip-lb', text: route.loadBalance || 'round_robin' })),
        el('div', { class: 'route-metrics', data: { metrics: port } }),
        el('div', { class: 'btn-row' },
          el('button', {
            class: 'link-btn', type: 'button', data: { action: 'add-backend', port },
            text: 'Add backend', onclick: () => openBackendDialog(port, null),
          })));

      const rows = route.backends.map((b, index) => el('tr', { data: { ref: b.ref } },
        el('td', { class: 'cell-name', 'data-label': 'Backend' },
          el('div', { class: 'backend-name', text: b.name }),
          el('div', { class: 'backend-cmd', text: backendCommand(port, index), title: backendCommand(port, index) })),
        el('td', { 'data-label': 'Target' },
          el('span', {
            class: 'target',
            text: isStdio ? `stdio://${route.stdioMode || 'stream'}` : `${b.internalHost || '127.0.0.1'}:${b.internalPort}`,
          })),
        el('td', { 'data-label': 'Status' }, el('span', { class: 'status', data: { field: 'status' } })),
        el('td', { class: 'num', 'data-label': 'PID', data: { field: 'pid' } }),
        el('td', { class: 'num', 'data-label': 'Uptime', data: { field: 'uptime' } }),
        el('td', { class: 'num', 'data-label': 'In flight', data: { field: 'inFlight' } }),
        el('td', { class: 'num', 'data-label': 'Served', data: { field: 'served' } }),
        el('td', { class: 'actions' },
          el('div', { class: 'btn-row' },
            el('button', {
              class: 'link-btn', type: 'button', data: { action: 'logs', ref: b.ref }, text: 'Logs',
              onclick: () => openLog(b.ref, b.name),
            }),
            el('button', {
              class: 'link-btn', type: 'button', data: { action: 'edit', ref: b.ref }, text: 'Edit',
              onclick: () => openBackendDialog(port, index),
            }),
            el('button', {
              class: 'link-btn danger', type: 'button', data: { action: 'kill', ref: b.ref }, text: 'Kill',
              hidden: true, onclick: () => kill(b.ref, b.name),
            })))));

      const table = el('table', { class: 'backends' },
        el('thead', {}, el('tr', {},
          el('th', { text: 'Backend' }), el('th', { text: 'Target' }), el('th', { text: 'Status' }),
          el('th', { class: 'num', text: 'PID' }), el('th', { class: 'num', text: 'Uptime' }),
          el('th', { class: 'num', text: 'In flight' }), el('th', { class: 'num', text: 'Served' }),
          el('th', {}, el('span', { hidden: true, text: 'Actions' })))),
        el('tbody', {}, ...rows));

      container.append(el('article', { class: 'route', data: { port } }, head, table));
    }
  }

  function updateRoutes() {
    for (const port of sortedPorts(state.status)) {
      const route = state.status[port];
      const card = document.querySelector(`.route[data-port="${CSS.escape(port)}"]`);
      if (!card) continue;
      for (const b of route.backends) {
        const row = card.querySelector(`tr[data-ref="${CSS.escape(b.ref)}"]`);
        if (!row) continue;
        const pill = row.querySelector('[data-field="status"]');
        pill.textContent = b.status;
        pill.dataset.status = b.status;
        pill.title = b.nextAttempt ? `next start at ${new Date(b.nextAttempt).toLocaleTimeString()}` : '';
        row.querySelector('[data-field="pid"]').textContent = b.pid ? String(b.pid) : (route.protocol === 'stdio' ? 'per request' : '–');
        row.querySelector('[data-field="uptime"]').textContent = b.uptime || '–';
        row.querySelector('[data-field="inFlight"]').textContent = fmt(b.inFlight);
        row.querySelector('[data-field="served"]').textContent = fmt(b.served);
        // Only a managed process can be killed: not stdio, not a pure proxy. Kill also clears
        // Backoff and Failed, so the next request starts it afresh.
        const stuck = b.status === 'Backoff' || b.status === 'Failed';
        row.querySelector('[data-action="kill"]').hidden = !(route.protocol !== 'stdio' && (Number(b.pid) > 0 || stuck));
      }
      const m = state.metrics[port];
      const box = card.querySelector('[data-metrics]');
      if (m) {
        const metric = (label, value) => el('span', { class: 'metric' },
          el('span', { class: 'metric-label', text: label }), el('b', { text: value }));
        box.replaceChildren(metric('Requests', fmt(m.requests)), metric('Errors', fmt(m.errors)),
          metric('p50', fmtMs(m.p50)), metric('p99', fmtMs(m.p99)));
      }
    }
  }

  function updateSummary() {
    const ports = sortedPorts(state.status);
    let running = 0;
    let total = 0;
    let inFlight = 0;
    for (const port of ports) {
      for (const b of state.status[port].backends) {
        total += 1;
        if (b.status === 'Running' || b.status === 'Request-Driven') running += 1;
        inFlight += Number(b.inFlight || 0);
      }
    }
    let requests = 0;
    let errors = 0;
    for (const m of Object.values(state.metrics)) {
      requests += Number(m.requests || 0);
      errors += Number(m.errors || 0);
    }
    $('sum-routes').textContent = fmt(ports.length);
    $('sum-running').textContent = `${running} / ${total}`;
    $('sum-inflight').textContent = fmt(inFlight);
    $('sum-requests').textContent = fmt(requests);
    $('sum-errors').textContent = fmt(errors);
  }

  // ---------- live updates ----------

  function setLive(mode) {
    const labels = { connecting: 'Connecting', live: 'Live', reconnecting: 'Reconnecting', offline: 'Offline' };
    $('live').dataset.state = mode;
    $('live-text').textContent = labels[mode] || mode;
  }

  function connect() {
    if (state.source) state.source.close();
    const source = new EventSource('api/events');
    state.source = source;
    source.addEventListener('open', () => setLive('live'));
    source.addEventListener('status', (e) => render(JSON.parse(e.data).data));
    source.addEventListener('metrics', (e) => {
      state.metrics = JSON.parse(e.data).data || {};
      updateRoutes();
      updateSummary();
    });
    source.addEventListener('log', (e) => onLogLine(JSON.parse(e.data)));
    source.addEventListener('dropped', (e) => {
      if (state.logRef) appendNote(`[${JSON.parse(e.data).lines} lines dropped: the browser fell behind]`);
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        setLive('offline');
        source.close();
        setTimeout(reconnect, 3000);
      } else {
        setLive('reconnecting');
      }
    };
  }

  async function reconnect() {
    try {
      const r = await loadStatus();
      if (r.res.ok) {
        connect();
        loadConfig().catch(() => {});
        return;
      }
      if (r.res.status === 401) return; // waits for sign-in
    } catch (e) { /* still offline */ }
    setTimeout(reconnect, 5000);
  }

  // ---------- logs ----------

  async function openLog(ref, name) {
    state.logRef = ref;
    state.logPending = [];
    $('log-title').textContent = name || ref;
    $('log-ref').textContent = ref;
    const body = $('log-body');
    body.replaceChildren();
    appendNote('Loading…');
    $('log-panel').hidden = false;
    document.body.classList.add('log-open');
    let r;
    try {
      r = await api(`api/logs/${encodeURIComponent(ref)}`);
    } catch (e) {
      r = null;
    }
    if (state.logRef !== ref) return;
    const pending = state.logPending || [];
    state.logPending = null;
    body.replaceChildren();
    if (!r || !r.res.ok || !r.body) {
      appendNote(r ? errorOf(r) : 'The mesh cannot be reached.');
      return;
    }
    const history = r.body.data || [];
    appendLines(history);
    // Lines that arrived while the history loaded may already be in it.
    appendLines(pending.slice(overlap(history, pending)));
    if (!history.length && !pending.length) appendNote('No output yet. New lines appear here as they are written.');
  }

  function overlap(history, pending) {
    for (let k = Math.min(history.length, pending.length); k > 0; k -= 1) {
      let same = true;
      for (let i = 0; i < k && same; i += 1) {
        same = history[history.length - k + i] === pending[i];
      }
      if (same) return k;
    }
    return 0;
  }

  function onLogLine(event) {
    if (event.ref !== state.logRef) return;
    if (state.logPending) {
      state.logPending.push(event.line);
      return;
    }
    appendLines([event.line]);
  }

  function appendLines(lines) {
    if (!lines.length) return;
    const body = $('log-body');
    const note = body.querySelector('.log-note:only-child');
    if (note) note.remove();
    for (const line of lines) body.append(document.createTextNode(`${line}\n`));
    while (body.childNodes.length > MAX_LOG_LINES) body.firstChild.remove();
    if ($('log-follow').checked) body.scrollTop = body.scrollHeight;
  }

  function appendNote(text) {
    $('log-body').append(el('span', { class: 'log-note', text: `${text}\n` }));
  }

  function closeLog() {
    state.logRef = null;
    state.logPending = null;
    $('log-panel').hidden = true;
    document.body.classList.remove('log-open');
  }

  // ---------- kill ----------

  async function kill(ref, name) {
    if (!window.confirm(`Kill the process of backend "${name}" (${ref})?\nThe next request starts it again.`)) return;
    try {
      const r = await api(`api/process/${encodeURIComponent(ref)}`, { method: 'DELETE' });
      if (r.res.ok) toast(r.body && r.body.msg ? r.body.msg : 'Process killed');
      else toast(`Kill failed: ${errorOf(r)}`, 'error');
      await loadStatus();
    } catch (e) {
      toast(`Kill failed: ${e.message}`, 'error');
    }
  }

  // ---------- backend form ----------

  const PROTOCOL_HINTS = {
    http: 'HTTP requests are proxied to the backend host and port. With a command, the mesh starts the process on the first request and waits for its port.',
    tcp: 'TCP connections are piped to the backend host and port. With a command, the mesh starts the process on the first connection.',
    stdio: 'Each connection or request runs the command once, bridged to its stdin and stdout. No host or port.',
  };

  function updateProtocolFields() {
    const stdio = $('f-protocol').value === 'stdio';
    $('f-network').hidden = stdio;
    $('f-stdio-field').hidden = !stdio;
    $('f-protocol-hint').textContent = PROTOCOL_HINTS[$('f-protocol').value] || '';
  }

  async function openBackendDialog(port, index) {
    try {
      await loadConfig();
    } catch (e) {
      toast(`Cannot read the config: ${e.message}`, 'error');
      return;
    }
    const route = port != null ? state.config[port] : null;
    const backend = route && index != null ? (route.backends || [])[index] : null;
    state.edit = { port: route ? port : null, index: backend ? index : null, base: clone(state.config), etag: state.etag };

    $('backend-title').textContent = backend ? `Edit backend ${backend.name || ''}`.trim()
      : route ? `Add backend to :${port}` : 'Add route';
    $('f-port').value = route ? port : '';
    $('f-route-name').value = route ? (route.name || '') : '';
    $('f-protocol').value = route ? (route.protocol || 'http') : 'http';
    $('f-load-balance').value = route ? (route.load_balance || 'round_robin') : 'round_robin';
    $('f-stdio-mode').value = route ? (route.stdio_mode || 'stream') : 'stream';
    $('f-name').value = backend ? (backend.name || '') : '';
    $('f-cmd').value = backend ? (backend.cmd || '') : '';
    $('f-args').value = backend ? (backend.args || []).join('\n') : '';
    $('f-host').value = backend ? (backend.internal_host || '127.0.0.1') : '127.0.0.1';
    $('f-backend-port').value = backend ? (backend.internal_port || '') : '';
    $('backend-delete').hidden = !backend;
    showError('backend-error', '');
    updateProtocolFields();
    $('backend-dialog').showModal();
    (route ? $('f-name') : $('f-port')).focus();
  }

  // Applies the form to a copy of the routes object; returns it, or throws a message for the user.
  function formToRoutes() {
    const edit = state.edit;
    const routes = clone(edit.base);
    const port = $('f-port').value.trim();
    const protocol = $('f-protocol').value;
    const stdio = protocol === 'stdio';
    const backendPort = $('f-backend-port').value.trim();
    if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      throw new Error('Public port must be a number from 1 to 65535.');
    }
    if (!stdio && !/^\d+$/.test(backendPort)) {
      throw new Error('Backend port is required for http and tcp routes.');
    }

    let backend = {};
    const moving = edit.index != null && port !== edit.port;
    if (edit.index != null) {
      backend = routes[edit.port].backends[edit.index];
      if (moving) {
        routes[edit.port].backends.splice(edit.index, 1);
        if (!routes[edit.port].backends.length) delete routes[edit.port];
      }
    }
    const name = $('f-name').value.trim();
    if (name) backend.name = name; else delete backend.name;
    backend.cmd = $('f-cmd').value.trim();
    const args = $('f-args').value.split('\n').map((a) => a.trim()).filter((a) => a.length);
    if (args.length) backend.args = args; else delete backend.args;
    if (stdio) {
      delete backend.internal_host;
      delete backend.internal_port;
    } else {
      backend.internal_host = $('f-host').value.trim() || '127.0.0.1';
      backend.internal_port = backendPort;
    }

    const old = routes[port] || { backends: [] };
    const routeName = $('f-route-name').value.trim();
    const { name: _n, protocol: _p, stdio_mode: _s, load_balance: _l, backends, ...rest } = old;
    const route = {};
    if (routeName) route.name = routeName;
    route.protocol = protocol;
    if (stdio) route.stdio_mode = $('f-stdio-mode').value;
    route.load_balance = $('f-load-balance').value;
    route.backends = backends || [];
    Object.assign(route, rest);
    if (edit.index == null || moving) route.backends.push(backend);
    if (stdio) {
      for (const b of route.backends) {
        delete b.internal_host;
        delete b.internal_port;
      }
    }
    routes[port] = route;
    return routes;
  }

  async function saveBackend(event) {
    event.preventDefault();
    let routes;
    try {
      routes = formToRoutes();
    } catch (e) {
      showError('backend-error', e.message);
      return;
    }
    await submit('backend-save', 'backend-error', () => postConfig(routes, state.edit.etag), () => {
      $('backend-dialog').close();
      toast('Saved. The mesh reloaded the config.');
    });
  }

  async function deleteBackend() {
    const edit = state.edit;
    const routes = clone(edit.base);
    const route = routes[edit.port];
    const backend = route.backends[edit.index];
    const last = route.backends.length === 1;
    const what = `backend "${backend.name || edit.index}" of route :${edit.port}`;
    if (!window.confirm(last ? `Delete ${what}? It is the last one, so route :${edit.port} is removed too.` : `Delete ${what}?`)) return;
    route.backends.splice(edit.index, 1);
    if (!route.backends.length) delete routes[edit.port];
    await submit('backend-delete', 'backend-error', () => postConfig(routes, edit.etag), () => {
      $('backend-dialog').close();
      toast(last ? `Route :${edit.port} removed.` : 'Backend deleted.');
    });
  }

  async function submit(buttonId, errorId, send, done) {
    const button = $(buttonId);
    button.disabled = true;
    showError(errorId, '');
    try {
      const result = await send();
      if (result.ok) done();
      else showError(errorId, result.error);
    } catch (e) {
      showError(errorId, `The mesh cannot be reached: ${e.message}`);
    } finally {
      button.disabled = false;
    }
  }

  // ---------- JSON editor ----------

  async function openJson() {
    try {
      await loadConfig();
    } catch (e) {
      toast(`Cannot read the config: ${e.message}`, 'error');
      return;
    }
    state.jsonEtag = state.etag;
    $('json-text').value = JSON.stringify(state.config, null, 2);
    showError('json-error', '');
    $('json-dialog').showModal();
  }

  async function saveJson(event) {
    event.preventDefault();
    const text = $('json-text').value;
    try {
      const parsed = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error('the routes must be a JSON object from public port to route');
      }
    } catch (e) {
      showError('json-error', `Invalid JSON: ${e.message}`);
      return;
    }
    await submit('json-save', 'json-error', async () => {
      const result = await postConfig(text, state.jsonEtag);
      if (result.stale) {
        state.jsonEtag = state.etag;
      }
      return result;
    }, () => {
      $('json-dialog').close();
      toast('Saved. The mesh reloaded the config.');
    });
  }

  // ---------- sign-in ----------

  function showLogin() {
    $('login').hidden = false;
    $('empty').hidden = true;
    setLive('offline');
    if (state.source) {
      state.source.close();
      state.source = null;
    }
  }

  async function signIn(event) {
    event.preventDefault();
    showError('login-error', '');
    const r = await api('login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: $('login-token').value.trim() }),
    });
    if (!r.res.ok) {
      showError('login-error', errorOf(r));
      return;
    }
    $('login-token').value = '';
    $('login').hidden = true;
    start();
  }

  // ---------- start ----------

  function wire() {
    $('btn-add-route').addEventListener('click', () => openBackendDialog(null, null));
    $('btn-json').addEventListener('click', openJson);
    $('backend-form').addEventListener('submit', saveBackend);
    $('backend-delete').addEventListener('click', deleteBackend);
    $('json-form').addEventListener('submit', saveJson);
    $('f-protocol').addEventListener('change', updateProtocolFields);
    $('log-close').addEventListener('click', closeLog);
    $('log-clear').addEventListener('click', () => $('log-body').replaceChildren());
    $('login-form').addEventListener('submit', signIn);
    for (const button of document.querySelectorAll('[data-close]')) {
      button.addEventListener('click', () => button.closest('dialog').close());
    }
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !document.querySelector('dialog[open]') && !$('log-panel').hidden) closeLog();
    });
  }

  async function start() {
    setLive('connecting');
    try {
      const r = await loadStatus();
      if (r.res.status === 401) return;
      await loadConfig();
    } catch (e) {
      setLive('offline');
      setTimeout(reconnect, 3000);
      return;
    }
    connect();
  }

  wire();
  start();
})();
