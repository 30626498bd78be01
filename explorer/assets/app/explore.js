// The Marrakech Graph explorer: draws the knowledge graph with Cytoscape.js
// from the public GraphQL API (the endpoint named by <body data-endpoint>).
'use strict';
(function () {
  const endpoint = document.body.dataset.endpoint || '/query';
  const statusEl = document.getElementById('status');
  const details = document.getElementById('details');

  const ENTITY_TYPES = ['Network', 'NHRI', 'Mechanism', 'Instrument', 'Commitment', 'Objective', 'Action',
    'RiskGroup', 'ThreatType', 'PerpetratorType', 'SDGTarget', 'StrategicGoal', 'Country', 'Survey'];
  const CITATION = 'citations { document section quote }';

  // gql posts one operation to the endpoint and returns its data, or throws
  // with the first error's message and code.
  async function gql(query, variables) {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables: variables || {} }),
      credentials: 'same-origin',
    });
    let body;
    try {
      body = await res.json();
    } catch (e) {
      throw new Error('the API answered ' + res.status + ' without JSON');
    }
    if (body.errors && body.errors.length) {
      const e = body.errors[0];
      throw new Error(e.message + (e.extensions && e.extensions.code ? ' (' + e.extensions.code + ')' : ''));
    }
    return body.data;
  }

  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.classList.toggle('error', !!isError);
  }

  function el(tag, attrs, children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    for (const c of children || []) if (c) e.appendChild(c);
    return e;
  }

  function label(n) { return n.acronym || n.name; }

  // kindClass colours an entity as the map does.
  function kindClass(typename) {
    switch (typename) {
      case 'Commitment': return 'commitment';
      case 'Action': return 'action';
      case 'Mechanism': case 'Network': return 'channel';
      default: return 'other';
    }
  }

  function showCitations(title, kind, description, citations, extra) {
    details.replaceChildren();
    details.appendChild(el('h2', { text: title }));
    if (kind) details.appendChild(el('p', { class: 'kind', text: kind }));
    if (description) details.appendChild(el('p', { text: description }));
    for (const e of extra || []) details.appendChild(e);
    details.appendChild(el('h3', { text: 'Citations' }));
    const list = el('ol', { class: 'citations', id: 'citations' });
    for (const c of citations || []) {
      list.appendChild(el('li', { class: 'citation' }, [
        el('q', { text: c.quote }),
        el('span', { class: 'source', text: c.document + ' — ' + c.section }),
      ]));
    }
    if (!citations || !citations.length) list.appendChild(el('li', { text: 'none recorded' }));
    details.appendChild(list);
  }

  const cy = cytoscape({
    container: document.getElementById('cy'),
    wheelSensitivity: 0.3,
    maxZoom: 1.4,
    minZoom: 0.2,
    style: [
      { selector: 'node', style: {
        label: 'data(label)', 'font-size': 10, 'text-wrap': 'wrap', 'text-max-width': 120,
        'text-valign': 'bottom', 'text-margin-y': 3, width: 18, height: 18, 'background-color': '#8a9bb0', color: '#1d2733',
      } },
      { selector: 'node.other', style: { 'background-color': '#6f5aa8' } },
      { selector: 'node.pillar', style: { 'background-color': '#14365d', width: 34, height: 34, 'font-size': 13, 'font-weight': 'bold' } },
      { selector: 'node.commitment', style: { 'background-color': '#d9822b', width: 28, height: 28, 'font-size': 11 } },
      { selector: 'node.action', style: { 'background-color': '#8a9bb0', width: 12, height: 12, 'font-size': 8 } },
      { selector: 'node.channel', style: { 'background-color': '#2b8a5e', width: 22, height: 22 } },
      { selector: 'node.map', style: { 'text-valign': 'center', 'text-halign': 'right', 'text-margin-x': 4, 'text-max-width': 180 } },
      { selector: 'node.map.pillar, node.map.commitment', style: { 'text-halign': 'left', 'text-margin-x': -4 } },
      { selector: 'node.center', style: { 'background-color': '#b00020', width: 38, height: 38, 'font-size': 13, 'font-weight': 'bold' } },
      { selector: 'node.consideration', style: { 'background-color': '#fff', 'border-width': 2, 'border-style': 'dashed', 'border-color': '#b07a00' } },
      { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#f2c14e' } },
      { selector: 'edge', style: {
        width: 1.2, 'line-color': '#b8c3d1', 'target-arrow-color': '#b8c3d1', 'target-arrow-shape': 'triangle',
        'curve-style': 'bezier', 'arrow-scale': 0.7,
      } },
      { selector: 'edge[label]', style: { label: 'data(label)', 'font-size': 7, color: '#5a6878', 'text-rotation': 'autorotate' } },
      { selector: 'edge.plan', style: { width: 'data(weight)', 'line-color': '#2b8a5e', 'target-arrow-color': '#2b8a5e' } },
      { selector: 'edge.consideration', style: { 'line-style': 'dashed', 'line-color': '#b07a00', 'target-arrow-color': '#b07a00' } },
      { selector: 'edge:selected', style: { 'line-color': '#f2c14e', 'target-arrow-color': '#f2c14e', width: 3 } },
    ],
  });

  // What the details panel shows for an element: its own citations, or the
  // entity's, read from the API when clicked.
  const entityQuery = 'query Entity($id: ID!) { node(id: $id) { __typename ... on Entity { id name acronym description ' + CITATION + ' } } }';

  async function showEntity(id) {
    try {
      const data = await gql(entityQuery, { id });
      const n = data.node;
      if (!n) { showCitations(id, '', 'Not found.', []); return; }
      showCitations(n.name + (n.acronym ? ' (' + n.acronym + ')' : ''), n.__typename + ' · ' + n.id, n.description, n.citations);
    } catch (e) {
      setStatus(e.message, true);
    }
  }

  cy.on('tap', 'node', (ev) => {
    const d = ev.target.data();
    if (d.plan) {
      const p = d.plan;
      const extra = [];
      if (p.rank) extra.push(el('p', { text: 'Rank ' + p.rank + ' · score ' + p.score + ' · ' + p.specificity.toLowerCase() }));
      if (p.risk) extra.push(el('p', { text: 'Risk: ' + p.risk }));
      extra.push(el('ul', { class: 'reasons' }, (p.reasons || []).map((r) => el('li', { text: r }))));
      if (p.howToActivate) extra.push(el('p', { text: 'How to activate: ' + p.howToActivate }));
      showCitations(p.channel.name, p.channel.__typename + ' · ' + p.channel.id, '', p.citations, extra);
    } else if (d.entity) {
      showEntity(d.entity);
    } else {
      showCitations(d.label, d.kind || '', d.description || '', d.citations || []);
    }
  });
  // The map's links from an action to a channel read their citations when
  // clicked: the action's relationships to that channel.
  const linkQuery = 'query Link($id: ID!) { node(id: $id) { ... on Action { relationships(direction: OUT) { type node { id } ' + CITATION + ' } } } }';

  cy.on('tap', 'edge', async (ev) => {
    const d = ev.target.data();
    let citations = d.citations || [];
    if (d.from && d.to) {
      try {
        const data = await gql(linkQuery, { id: d.from });
        citations = (data.node && data.node.relationships || []).filter((r) => r.node.id === d.to).flatMap((r) => r.citations);
      } catch (e) {
        setStatus(e.message, true);
        return;
      }
    }
    const rel = d.rel || d.label;
    showCitations(d.title || rel || 'Link', rel ? 'relationship: ' + rel : 'relationship', '', citations);
  });
  cy.on('dbltap', 'node', (ev) => {
    const id = ev.target.data('entity');
    if (id && currentView === 'neighbourhood') drawNeighbourhood(id);
  });

  let drawings = 0;
  function draw(elements, layout) {
    cy.elements().remove();
    cy.add(elements);
    const l = cy.layout(Object.assign({ animate: false, fit: true, padding: 30 }, layout));
    l.run();
    details.replaceChildren(el('p', { class: 'hint', text: 'Click a node or a link.' }));
    drawings++;
    document.body.dataset.drawn = currentView + ':' + drawings;
  }

  // (a) The commitment → support-channel map.
  // The roles ticked in the map's controls choose the channels it shows.
  const mapQuery = `query CommitmentMap {
  commitments {
    id name acronym number pillar
    supportChannels {
      role
      channel { __typename id name acronym }
      via { id name number }
      relations
    }
  }
}`;

  async function drawMap() {
    setStatus('Loading the commitment map…');
    const roles = new Set([...document.querySelectorAll('#map-roles input[name="role"]:checked')].map((b) => b.value));
    const data = await gql(mapQuery);
    const nodes = new Map();
    const edges = new Map();
    const add = (id, data) => { if (!nodes.has(id)) nodes.set(id, { group: 'nodes', data: Object.assign({ id }, data), classes: data.kind + ' map' }); };
    const link = (source, target, data) => {
      const id = source + '→' + target;
      if (!edges.has(id)) edges.set(id, { group: 'edges', data: Object.assign({ id, source, target }, data) });
    };
    for (const c of data.commitments) {
      const pillar = 'pillar:' + c.pillar;
      add(pillar, { label: c.pillar.charAt(0) + c.pillar.slice(1).toLowerCase().replace(/_/g, ' '), kind: 'pillar',
        description: 'A pillar of the Marrakech Declaration.' });
      add(c.id, { label: c.number + '. ' + label(c), kind: 'commitment', entity: c.id });
      link(pillar, c.id, { title: c.name + ' is under the pillar ' + c.pillar });
      for (const sc of c.supportChannels.filter((sc) => roles.has(sc.role))) {
        add(sc.channel.id, { label: label(sc.channel), kind: 'channel', entity: sc.channel.id });
        for (const a of sc.via) {
          add(a.id, { label: 'Action ' + a.number, kind: 'action', entity: a.id });
          link(c.id, a.id, { title: a.name + ' advances ' + c.name });
          link(a.id, sc.channel.id, { title: a.name + ' → ' + sc.channel.name, rel: sc.relations.join(', '), from: a.id, to: sc.channel.id });
        }
      }
    }
    const roots = [...nodes.keys()].filter((id) => id.startsWith('pillar:'));
    // Layers from left to right: pillars, commitments, actions, channels.
    draw([...nodes.values(), ...edges.values()], { name: 'breadthfirst', directed: true, roots, spacingFactor: 1,
      transform: (node, pos) => ({ x: pos.y * 2.2, y: pos.x / 2 }) });
    setStatus(data.commitments.length + ' commitments, ' + cy.nodes('.channel').length + ' support channels, ' +
      cy.nodes('.action').length + ' actions.');
  }

  // (b) An entity's neighbourhood.
  const neighbourhoodQuery = 'query Neighbourhood($id: ID!) { node(id: $id) { __typename ... on Entity { id name acronym } ' +
    ENTITY_TYPES.map((t) => '... on ' + t + ' { relationships { type direction node { __typename id name acronym } ' + CITATION + ' } }').join(' ') +
    ' } }';

  async function drawNeighbourhood(id) {
    document.getElementById('entity-id').value = id;
    setStatus('Loading ' + id + '…');
    const data = await gql(neighbourhoodQuery, { id });
    const n = data.node;
    if (!n) { setStatus('No entity has the ID ' + id + '.', true); return; }
    const elements = [{ group: 'nodes', data: { id: n.id, label: label(n), entity: n.id }, classes: 'center' }];
    const seen = new Set([n.id]);
    (n.relationships || []).forEach((r, i) => {
      if (!seen.has(r.node.id)) {
        seen.add(r.node.id);
        elements.push({ group: 'nodes', data: { id: r.node.id, label: label(r.node), entity: r.node.id }, classes: kindClass(r.node.__typename) });
      }
      const out = r.direction === 'OUT';
      elements.push({ group: 'edges', data: {
        id: 'r' + i, source: out ? n.id : r.node.id, target: out ? r.node.id : n.id, label: r.type,
        title: (out ? n.name : r.node.name) + ' ' + r.type + ' ' + (out ? r.node.name : n.name), citations: r.citations,
      } });
    });
    draw(elements, { name: 'concentric', concentric: (node) => (node.hasClass('center') ? 2 : 1), levelWidth: () => 1, minNodeSpacing: 90 });
    setStatus(n.name + ': ' + (n.relationships || []).length + ' relationships.');
  }

  // (c) An activation plan.
  const planFormQuery = `query PlanForm {
  nhris(first: 200, orderBy: {field: NAME, direction: ASC}) { edges { node { id name acronym country { code } } } }
  threatTypes(against: NHRI) { id name }
}`;
  const planQuery = `query Plan($situation: SituationInput!) {
  activationPlan(situation: $situation) {
    country { id name code }
    nhri { id name acronym }
    notes
    recommendations { rank score specificity reasons howToActivate channel { __typename id name acronym } ${CITATION} }
    considerations { risk reasons howToActivate channel { __typename id name acronym } ${CITATION} }
  }
}`;

  let planFormReady = null;
  function loadPlanForm() {
    if (!planFormReady) {
      planFormReady = gql(planFormQuery).then((data) => {
        const select = document.getElementById('plan-nhri');
        for (const { node } of data.nhris.edges) {
          select.appendChild(el('option', { value: node.id, text: node.name + ' (' + node.country.code + ')' }));
        }
        const threats = document.getElementById('plan-threats');
        for (const t of data.threatTypes) {
          threats.appendChild(el('label', {}, [el('input', { type: 'checkbox', name: 'threat', value: t.id }), document.createTextNode(' ' + t.name)]));
        }
        document.body.dataset.planForm = 'ready';
      }).catch((e) => { planFormReady = null; throw e; });
    }
    return planFormReady;
  }

  async function drawPlan() {
    const form = document.getElementById('plan-form');
    const f = new FormData(form);
    const situation = {
      targets: f.getAll('target'),
      threats: f.getAll('threat'),
      urgent: f.has('urgent'),
      reprisalForUNCooperation: f.has('reprisal'),
    };
    if (f.get('nhri')) situation.nhri = f.get('nhri');
    else situation.country = String(f.get('country') || '').trim().toUpperCase();
    setStatus('Drafting the plan…');
    const { activationPlan: plan } = await gql(planQuery, { situation });
    const center = plan.nhri || plan.country;
    const centerId = 'plan:' + center.id;
    const elements = [{ group: 'nodes', data: { id: centerId, label: label(center), entity: center.id }, classes: 'center' }];
    const maxRank = plan.recommendations.reduce((m, r) => Math.max(m, r.rank), 1);
    plan.recommendations.forEach((r, i) => {
      const id = 'rec:' + r.channel.id;
      elements.push({ group: 'nodes', data: { id, label: r.rank + '. ' + label(r.channel), plan: r }, classes: 'channel' });
      elements.push({ group: 'edges', data: { id: 'e' + i, source: centerId, target: id, weight: Math.min(1 + r.score, 6),
        title: r.rank + '. ' + r.channel.name, citations: r.citations }, classes: 'plan' });
    });
    plan.considerations.forEach((c, i) => {
      const id = 'con:' + c.channel.id;
      elements.push({ group: 'nodes', data: { id, label: label(c.channel), plan: c }, classes: 'consideration' });
      elements.push({ group: 'edges', data: { id: 'c' + i, source: centerId, target: id, title: c.channel.name, citations: c.citations }, classes: 'consideration' });
    });
    // Each channel at its own angle, the best ranked nearest the centre;
    // the considerations outermost.
    const around = elements.filter((e) => e.group === 'nodes' && e.data.id !== centerId);
    const positions = { [centerId]: { x: 0, y: 0 } };
    around.forEach((e, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(around.length, 1);
      const radius = 140 + 60 * (e.data.plan.rank ? e.data.plan.rank - 1 : maxRank + 1);
      positions[e.data.id] = { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
    });
    draw(elements, { name: 'preset', positions: (n) => positions[n.id()] });
    setStatus('Plan for ' + center.name + ': ' + plan.recommendations.length + ' channels recommended, ' +
      plan.considerations.length + ' to weigh.' + (plan.notes.length ? ' ' + plan.notes.join(' ') : ''));
  }

  // Views.
  let currentView = 'map';
  const views = {
    map: () => drawMap(),
    neighbourhood: () => drawNeighbourhood(document.getElementById('entity-id').value.trim()),
    plan: () => loadPlanForm().then(() => drawPlan()),
  };
  function run(p) {
    return p.catch((e) => setStatus(e.message, true));
  }
  function show(view) {
    currentView = view;
    for (const b of document.querySelectorAll('header nav button')) b.setAttribute('aria-pressed', String(b.dataset.view === view));
    for (const v of Object.keys(views)) document.getElementById('controls-' + v).hidden = v !== view;
    return run(views[view]());
  }
  for (const b of document.querySelectorAll('header nav button')) b.addEventListener('click', () => show(b.dataset.view));
  document.getElementById('neighbourhood-form').addEventListener('submit', (e) => { e.preventDefault(); run(views.neighbourhood()); });
  document.getElementById('plan-form').addEventListener('submit', (e) => { e.preventDefault(); run(drawPlan()); });
  document.getElementById('map-roles').addEventListener('change', () => run(drawMap()));

  window.explorer = { cy, show };
  const initial = location.hash.slice(1);
  show(views[initial] ? initial : 'map');
})();
