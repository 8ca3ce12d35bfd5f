// The schema registry web view: stores, their value schema versions, a schema as a tree and the
// diff against the previous version. It reads the controller's admin API on the same origin:
// GET /stores, GET /stores/{store}/schemas and GET /stores/{store}/schemas/diff?from=&to=.
// Every text that comes from the registry (store names, field names, docs, defaults) reaches the
// page through textContent or an attribute, never through HTML markup: it is user input.
'use strict';

(function () {
  const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes',
    'string']);
  const KIND_WORDS = {
    ADDED: 'added',
    REMOVED: 'removed',
    TYPE_CHANGED: 'type changed',
    DEFAULT_CHANGED: 'default changed',
    DOC_CHANGED: 'doc changed'
  };

  const $ = (id) => document.getElementById(id);
  let allStores = [];
  // Each click starts a new generation; an answer of an older one arrives late and is dropped,
  // so a slow response never overwrites what the user picked since.
  let storeGeneration = 0;
  let versionGeneration = 0;

  /** An element with a class, attributes and text children (strings become text nodes). */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null) {
        node.setAttribute(name, String(value));
      }
    }
    for (const child of children) {
      if (child === undefined || child === null) {
        continue;
      }
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  async function fetchJson(url) {
    const response = await fetch(url, {headers: {Accept: 'application/json'}});
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      // not JSON: the status below says what happened
    }
    if (!response.ok) {
      const message = body && body.error ? body.error : 'HTTP ' + response.status;
      throw new Error(message);
    }
    return body;
  }

  function showError(error) {
    const box = $('error');
    box.textContent = error ? String(error.message || error) : '';
    box.hidden = !error;
  }

  /** Epoch milliseconds as ISO 8601 local time with the offset, e.g. 2026-12-02T09:15:04+01:00. */
  function isoLocal(ms) {
    const d = new Date(ms);
    const pad = (n) => String(Math.abs(n)).padStart(2, '0');
    const offset = -d.getTimezoneOffset();
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate())
      + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds())
      + (offset >= 0 ? '+' : '-') + pad(Math.trunc(Math.abs(offset) / 60)) + ':'
      + pad(Math.abs(offset) % 60);
  }

  // ---- stores -------------------------------------------------------------------------------

  async function loadStores() {
    try {
      const answer = await fetchJson('/stores');
      allStores = (answer.stores || []).slice().sort();
      $('cluster').textContent = 'Cluster ' + answer.cluster + ': ' + allStores.length
        + (allStores.length === 1 ? ' store' : ' stores');
      renderStores();
    } catch (e) {
      showError(e);
    }
  }

  function renderStores() {
    const needle = $('store-search').value.trim().toLowerCase();
    const list = $('store-list');
    const matching = allStores.filter((s) => s.toLowerCase().includes(needle));
    list.replaceChildren(...matching.map((store) => {
      const button = el('button', {type: 'button', 'data-testid': 'store-item',
        'data-store': store, class: 'item'}, store);
      button.addEventListener('click', () => selectStore(store, button));
      return el('li', null, button);
    }));
    $('store-empty').hidden = matching.length > 0 || allStores.length === 0;
    list.setAttribute('data-count', String(matching.length));
  }

  function markSelected(listId, button) {
    for (const other of $(listId).querySelectorAll('[aria-current]')) {
      other.removeAttribute('aria-current');
    }
    button.setAttribute('aria-current', 'true');
  }

  // ---- versions ------------------------------------------------------------------------------

  async function selectStore(store, button) {
    const generation = ++storeGeneration;
    versionGeneration++;
    markSelected('store-list', button);
    showError(null);
    $('store-title').textContent = 'Store ' + store;
    $('version-list').replaceChildren();
    clearSchema();
    try {
      const answer = await fetchJson('/stores/' + encodeURIComponent(store) + '/schemas');
      if (generation !== storeGeneration) {
        return;
      }
      const versions = answer.valueSchemas || [];
      $('version-list').replaceChildren(...versions.map((v, i) => {
        const previous = i > 0 ? versions[i - 1].id : null;
        const button = el('button', {type: 'button', 'data-testid': 'version-item',
          'data-version-id': v.id, class: 'item'},
        el('span', {class: 'version-id'}, 'v' + v.id), ' ',
        el('time', {datetime: new Date(v.registeredAtMs).toISOString()},
          isoLocal(v.registeredAtMs)));
        button.addEventListener('click', () => selectVersion(store, v, previous, button));
        return el('li', null, button);
      }));
    } catch (e) {
      if (generation === storeGeneration) {
        showError(e);
      }
    }
  }

  function clearSchema() {
    $('version-title').textContent = '';
    $('schema-tree').replaceChildren();
    $('diff-title').hidden = true;
    $('diff-note').hidden = true;
    $('diff').hidden = true;
    $('diff-rows').replaceChildren();
  }

  async function selectVersion(store, version, previous, button) {
    const generation = ++versionGeneration;
    markSelected('version-list', button);
    showError(null);
    clearSchema();
    $('version-title').textContent = store + ' value schema v' + version.id
      + ', registered ' + isoLocal(version.registeredAtMs);
    try {
      $('schema-tree').replaceChildren(schemaTree(JSON.parse(version.schema)));
    } catch (e) {
      showError(new Error('value schema v' + version.id + ' cannot be shown: ' + e.message));
    }
    $('diff-title').hidden = false;
    if (previous === null) {
      $('diff-title').textContent = 'Changes';
      $('diff-note').textContent = 'The first version: nothing to compare with.';
      $('diff-note').hidden = false;
      return;
    }
    $('diff-title').textContent = 'Changes from v' + previous + ' to v' + version.id;
    try {
      const answer = await fetchJson('/stores/' + encodeURIComponent(store)
        + '/schemas/diff?from=' + previous + '&to=' + version.id);
      if (generation !== versionGeneration) {
        return;
      }
      renderDiff(answer.changes || []);
    } catch (e) {
      if (generation === versionGeneration) {
        showError(e);
      }
    }
  }

  // ---- diff ----------------------------------------------------------------------------------

  function renderDiff(changes) {
    if (changes.length === 0) {
      $('diff-note').textContent = 'No field-level change.';
      $('diff-note').hidden = false;
      return;
    }
    const kindClass = (kind) => 'kind-' + kind.toLowerCase().replace(/_/g, '-');
    $('diff-rows').replaceChildren(...changes.map((c) => el('tr', {'data-testid': 'diff-row',
      'data-kind': c.kind, 'data-path': c.path, class: kindClass(c.kind)},
    el('td', {class: 'kind'}, KIND_WORDS[c.kind] || c.kind),
    el('td', null, el('code', null, c.path === '' ? '(the value)' : c.path)),
    el('td', null, c.before === null ? '' : c.before),
    el('td', null, c.after === null ? '' : c.after),
    el('td', null, c.detail || ''))));
    $('diff').hidden = false;
    // mark the changed nodes of the tree too (removed fields are not in the new version's tree)
    for (const c of changes) {
      const node = $('schema-tree').querySelector('[data-path="' + CSS.escape(c.path) + '"]');
      if (node) {
        node.classList.add(kindClass(c.kind));
      }
    }
  }

  // ---- schema tree ---------------------------------------------------------------------------

  /** The whole value schema: an open node for the value, nested nodes closed. */
  function schemaTree(schema) {
    const context = {seen: new Map()};
    const value = describe(schema, '', '', context);
    const root = node('(the value)', value, '', undefined, undefined);
    if (root.tagName === 'DETAILS') {
      root.open = true;
    }
    return root;
  }

  /** An Avro name's full name: a dotted name is full, else the enclosing namespace applies. */
  function fullName(name, namespace) {
    return name.includes('.') || !namespace ? name : namespace + '.' + name;
  }

  function shortName(full) {
    return full.substring(full.lastIndexOf('.') + 1);
  }

  /**
   * A type as {words, children}: words like "string (nullable)", "array of record Address";
   * children the nodes below it (a record's fields, the first time the record is met). A named
   * type met again is referenced by name with the path where it was expanded, so recursive
   * types end.
   */
  function describe(schema, namespace, path, context) {
    if (typeof schema === 'string') {
      if (PRIMITIVES.has(schema)) {
        return {words: schema, children: []};
      }
      return reference(fullName(schema, namespace), context);
    }
    if (Array.isArray(schema)) {
      return union(schema, namespace, path, context);
    }
    if (schema === null || typeof schema !== 'object') {
      return {words: String(schema), children: []};
    }
    if (typeof schema.type !== 'string') {
      return describe(schema.type, namespace, path, context);
    }
    const logical = schema.logicalType ? ' (' + schema.logicalType + ')' : '';
    switch (schema.type) {
      case 'record':
      case 'error':
      case 'enum':
      case 'fixed':
        return named(schema, namespace, path, context);
      case 'array': {
        const items = describe(schema.items, namespace, path + '[]', context);
        return {words: 'array of ' + items.words + logical, children: items.children};
      }
      case 'map': {
        const values = describe(schema.values, namespace, path + '{}', context);
        return {words: 'map of ' + values.words + logical, children: values.children};
      }
      default:
        if (PRIMITIVES.has(schema.type)) {
          return {words: schema.type + logical, children: []};
        }
        return reference(fullName(schema.type, namespace), context);
    }
  }

  function reference(full, context) {
    const defined = context.seen.get(full);
    if (!defined) {
      return {words: full, children: []};
    }
    return {words: defined.kind + ' ' + shortName(full) + ' (see '
      + (defined.path === '' ? 'the value' : defined.path) + ')', children: []};
  }

  function named(schema, namespace, path, context) {
    const full = fullName(schema.name, schema.namespace || namespace);
    const kind = schema.type === 'error' ? 'record' : schema.type;
    if (context.seen.has(full)) {
      return reference(full, context);
    }
    context.seen.set(full, {kind: kind, path: path});
    const logical = schema.logicalType ? ' (' + schema.logicalType + ')' : '';
    if (kind === 'enum') {
      return {words: 'enum ' + shortName(full) + ' (' + (schema.symbols || []).join(', ') + ')',
        children: []};
    }
    if (kind === 'fixed') {
      return {words: 'fixed ' + shortName(full) + ' (' + schema.size + ' bytes)' + logical,
        children: []};
    }
    // a record's fields resolve their names in the record's own namespace
    const inner = full.includes('.') ? full.substring(0, full.lastIndexOf('.')) : '';
    const children = (schema.fields || []).map((f) => {
      const fieldPath = path === '' ? f.name : path + '.' + f.name;
      const type = describe(f.type, inner, fieldPath, context);
      return node(f.name, type, fieldPath, 'default' in f ? f.default : undefined, f.doc);
    });
    return {words: 'record ' + shortName(full), children: children};
  }

  function union(branches, namespace, path, context) {
    const described = branches.filter((b) => b !== 'null')
      .map((b) => describe(b, namespace, path, context));
    const nullable = described.length < branches.length;
    if (described.length === 0) {
      return {words: 'null', children: []};
    }
    if (described.length === 1) {
      return {words: described[0].words + (nullable ? ' (nullable)' : ''),
        children: described[0].children};
    }
    const children = [];
    for (const d of described) {
      if (d.children.length > 0) {
        // each branch with fields gets a node of its own so branches do not mix their fields
        children.push(node('branch ' + d.words, d, path, undefined, undefined, true));
      }
    }
    return {words: 'one of ' + described.map((d) => d.words).join(', ')
      + (nullable ? ' (nullable)' : ''), children: children};
  }

  /**
   * One field (or the value): a <details> when something is below it, else a leaf. The summary
   * holds the name, the type in words, the default as JSON and the doc.
   */
  function node(name, type, path, defaultValue, doc, branch) {
    const line = [el('span', {class: 'name'}, name), ' ',
      el('span', {class: 'type'}, type.words)];
    if (defaultValue !== undefined) {
      line.push(' ', el('span', {class: 'default'}, 'default ' + JSON.stringify(defaultValue)));
    }
    if (doc) {
      line.push(' ', el('span', {class: 'doc'}, doc));
    }
    // a union branch shares its field's path: only the field itself carries data-path
    const pathAttribute = branch ? undefined : path;
    if (type.children.length === 0) {
      return el('div', {class: 'leaf', 'data-testid': 'tree-leaf', 'data-path': pathAttribute},
        ...line);
    }
    return el('details', {'data-testid': 'tree-node', 'data-path': pathAttribute},
      el('summary', null, ...line), el('div', {class: 'children'}, ...type.children));
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('store-search').addEventListener('input', renderStores);
    loadStores();
  });
})();
