// The live dashboard: watches one run (#run=<id> in the address, so several tabs can watch runs side by side),
// draws what the server pushes through SignalR with Chart.js, and sends controls and interventions to the API.
// Every text from the server goes onto the page as text, never as HTML.
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  const MAX_TIMELINE = 2000;
  const state = { runId: null, lastTick: -1, lastSeq: 0, timeline: [], kinds: new Set(), offers: new Map(), updates: 0, full: null, baseline: null };
  window.sovsim = state; // for tests and curious users

  // Line charts over simulated days; each series created the first time a key appears.
  function lineChart(id, yTitle) {
    return new Chart($(id), {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false, parsing: false, normalized: true, maintainAspectRatio: false,
        elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
        scales: { x: { type: 'linear', title: { display: true, text: 'simulated day' } }, y: { title: { display: !!yTitle, text: yTitle || '' } } },
        plugins: { legend: { labels: { boxWidth: 10, font: { size: 10 } } } },
      },
    });
  }
  const charts = {
    flights: lineChart('chart-flights', 'flights (cumulative)'),
    people: lineChart('chart-people', 'people'),
    costs: lineChart('chart-costs', 'USD'),
    tension: lineChart('chart-tension', '0 calm – 1 crisis'),
    pressure: lineChart('chart-pressure', '0 none – 1 strongest'),
    reasons: new Chart($('chart-reasons'), { type: 'bar', data: { labels: [], datasets: [] }, options: { animation: false, maintainAspectRatio: false, indexAxis: 'y' } }),
    instruments: new Chart($('chart-instruments'), { type: 'bar', data: { labels: [], datasets: [] }, options: { animation: false, maintainAspectRatio: false } }),
    floors: new Chart($('chart-floors'), {
      type: 'line', data: { datasets: [] },
      options: { animation: false, parsing: false, maintainAspectRatio: false, elements: { line: { borderWidth: 1.5 }, point: { radius: 2 } },
        scales: { x: { type: 'linear', title: { display: true, text: 'hours of talks' } }, y: { min: 0, max: 1, title: { display: true, text: 'utility to the side' } } },
        plugins: { legend: { labels: { boxWidth: 10, font: { size: 10 } } } } },
    }),
    offers: new Chart($('chart-offers'), {
      type: 'scatter', data: { datasets: [] },
      options: { animation: false, maintainAspectRatio: false,
        scales: { x: { min: 0, max: 1, title: { display: true, text: 'utility of the sending state' } }, y: { min: 0, max: 1, title: { display: true, text: 'utility of the receiving state' } } } },
    }),
  };
  state.charts = charts;

  // The route map: Natural Earth's outlines (world-atlas, bundled: no tiles are fetched), each scenario country found
  // by its ISO code (world-countries), each route drawn as an arc over the map.
  const geo = { places: new Map(), routes: {}, removed: {} };
  const routesPlugin = {
    id: 'routes',
    afterDatasetsDraw(chart) {
      const projection = chart.scales.projection && chart.scales.projection.projection;
      if (!projection) return;
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = '10px system-ui, sans-serif';
      for (const [dyad, counts] of Object.entries(geo.routes)) {
        const [from, to] = dyad.split('->');
        const a = geo.places.get(from), b = geo.places.get(to);
        if (!a || !b) continue;
        const p = projection([a.lon, a.lat]), q = projection([b.lon, b.lat]);
        if (!p || !q) continue;
        const landed = counts['flights.landed'] || 0;
        const refused = (counts['flights.refused'] || 0) + (counts['flights.turnedBack'] || 0);
        const share = landed + refused > 0 ? refused / (landed + refused) : 0;
        // An arc bowed to the left of the route, so routes both ways stay apart.
        const mx = (p[0] + q[0]) / 2 - (q[1] - p[1]) * 0.2, my = (p[1] + q[1]) / 2 + (q[0] - p[0]) * 0.2;
        ctx.strokeStyle = `rgba(${Math.round(40 + 200 * share)}, ${Math.round(110 - 80 * share)}, ${Math.round(190 - 160 * share)}, 0.85)`;
        ctx.lineWidth = 1 + Math.log2(1 + landed);
        ctx.beginPath();
        ctx.moveTo(p[0], p[1]);
        ctx.quadraticCurveTo(mx, my, q[0], q[1]);
        ctx.stroke();
        ctx.fillStyle = '#1d2330';
        ctx.fillText(`${to}: ${landed} landed${refused ? `, ${refused} refused` : ''}`, q[0] + 4, q[1] - 4);
      }
      ctx.restore();
    },
  };
  async function loadMap() {
    const [world, places] = await Promise.all([fetch('lib/countries-110m.json').then(r => r.json()), fetch('lib/places.json').then(r => r.json())]);
    for (const place of places) geo.places.set(place.id, place);
    const byNumeric = new Map(places.map(p => [p.numeric, p.id]));
    const features = ChartGeo.topojson.feature(world, world.objects.countries).features;
    for (const f of features) f.properties.iso = byNumeric.get(String(f.id).padStart(3, '0')) || '';
    geo.world = features;
    charts.map = new Chart($('chart-map'), {
      type: 'choropleth',
      data: { labels: features.map(f => f.properties.name), datasets: [{ label: 'people removed to it', outline: features, data: features.map(f => ({ feature: f, value: null })) }] },
      options: { animation: false, maintainAspectRatio: false, showOutline: false, showGraticule: false, clipMap: 'outline+graticule',
        plugins: { legend: { display: false } },
        scales: { projection: { axis: 'x', projection: 'equalEarth' }, color: { axis: 'x', display: false, interpolate: 'blues', missing: '#e9ecf1' } } },
      plugins: [routesPlugin],
    });
    drawMap();
    charts.map.update('none');
  }
  // Destinations are shaded by the people removed to them, the sending states of the routes at the scale's lightest
  // (0), every other country grey. The caller redraws (apply updates every chart once per push).
  function drawMap() {
    if (!charts.map) return;
    const senders = new Set(Object.keys(geo.routes).map(d => d.split('->')[0]));
    const dataset = charts.map.data.datasets[0];
    for (const point of dataset.data) {
      const iso = point.feature.properties.iso;
      point.value = iso in geo.removed ? geo.removed[iso] : senders.has(iso) ? 0 : null;
    }
    // The map frames the countries of the routes (the whole world until there are any).
    const framed = dataset.data.filter(p => p.value != null).map(p => p.feature);
    const outline = framed.length ? framed : geo.world;
    if (outline.length !== dataset.outline.length) dataset.outline = outline;
  }
  state.map = geo;
  const series = {
    flights: ['flights.planned', 'flights.cleared', 'flights.partiallyCleared', 'flights.refused', 'flights.turnedBack', 'flights.diverted', 'flights.landed', 'flights.cancelled'],
    people: ['migrants.detainedNow', 'migrants.detained', 'migrants.removed', 'migrants.refused', 'migrants.removedByLand'],
    costs: ['detention.cost', 'flights.cost'],
  };

  function dataset(chart, label) {
    let ds = chart.data.datasets.find(d => d.label === label);
    if (!ds) {
      const color = palette[chart.data.datasets.length % palette.length];
      ds = { label, data: [], borderColor: color, backgroundColor: color };
      chart.data.datasets.push(ds);
    }
    return ds;
  }

  function addPoint(p) {
    if (p.tick <= state.lastTick) return;
    state.lastTick = p.tick;
    for (const [name, keys] of Object.entries(series))
      for (const k of keys) if (k in p.totals) dataset(charts[name], k.replace(/^(flights|migrants)\./, '')).data.push({ x: p.day, y: p.totals[k] });
    for (const [k, v] of Object.entries(p.tension)) dataset(charts.tension, k).data.push({ x: p.day, y: v });
    for (const [k, v] of Object.entries(p.pressure)) dataset(charts.pressure, k).data.push({ x: p.day, y: v });
  }

  function setBars(chart, groups) {
    const labels = [...new Set(groups.flatMap(g => Object.keys(g.values)))].sort();
    chart.data.labels = labels;
    chart.data.datasets = groups.map((g, i) => ({ label: g.label, data: labels.map(l => g.values[l] || 0), backgroundColor: palette[i] }));
  }

  function addOffer(o) {
    const key = `${o.negotiation}/${o.round}/${o.by}`;
    if (state.offers.has(key)) return;
    state.offers.set(key, o);
    const ds = dataset(charts.offers, `#${o.negotiation} ${o.dyad} ${o.by}`);
    ds.data.push({ x: o.utilitySending, y: o.utilityReceiving });
    if (o.reservation != null) dataset(charts.floors, `#${o.negotiation} ${o.dyad} ${o.by} reservation`).data.push({ x: o.hoursOpen, y: o.reservation });
    if (o.aspiration != null) {
      const asks = dataset(charts.floors, `#${o.negotiation} ${o.dyad} ${o.by} aspiration`);
      asks.borderDash = [5, 3];
      asks.data.push({ x: o.hoursOpen, y: o.aspiration });
    }
  }

  // A dyad's bargaining space: the Pareto frontier, the reservation values at the start (no deal below either line)
  // and the Nash point over them; drawn once, under the offers.
  function addBargain(b) {
    const frontier = dataset(charts.offers, `Pareto frontier ${b.dyad}`);
    frontier.data = b.frontier.map(p => ({ x: p[0], y: p[1] }));
    Object.assign(frontier, { showLine: true, pointRadius: 0, borderWidth: 2, order: 3 });
    const floors = dataset(charts.offers, `reservations at the start ${b.dyad}`);
    floors.data = [{ x: b.reservationSending, y: 0 }, { x: b.reservationSending, y: 1 }, { x: NaN, y: NaN }, { x: 0, y: b.reservationReceiving }, { x: 1, y: b.reservationReceiving }];
    Object.assign(floors, { showLine: true, spanGaps: false, pointRadius: 0, borderDash: [6, 4], borderWidth: 1, order: 3 });
    if (b.nash) {
      const nash = dataset(charts.offers, `Nash point ${b.dyad}`);
      nash.data = [{ x: b.nash[0], y: b.nash[1] }];
      Object.assign(nash, { pointRadius: 9, pointStyle: 'triangle', order: 1 });
    }
  }

  // Agreements come from the negotiations (an offer learns it was accepted only after it was sent).
  function drawAgreements(negotiations) {
    const agreed = negotiations.filter(n => n.outcome === 'agreement' && n.utilitySending != null);
    if (agreed.length === 0) return;
    const ds = dataset(charts.offers, 'agreements');
    ds.data = agreed.map(n => ({ x: n.utilitySending, y: n.utilityReceiving }));
    ds.pointRadius = 8; ds.pointStyle = 'star'; ds.borderColor = '#000'; ds.backgroundColor = '#000';
  }

  function cell(tr, text) { const td = document.createElement('td'); td.textContent = text == null ? '' : String(text); tr.appendChild(td); return td; }
  function fill(tbody, rows) { tbody.replaceChildren(...rows); }
  function row(values, cls) { const tr = document.createElement('tr'); if (cls) tr.className = cls; values.forEach(v => cell(tr, v)); return tr; }
  const num = v => v == null ? '' : (+v).toFixed(3);

  function renderTotals(t) {
    geo.routes = t.routes || {};
    geo.removed = t.removedByDestination || {};
    drawMap();
    setBars(charts.reasons, [{ label: 'flights refused', values: t.flightRefusalReasons }, { label: 'people refused', values: t.personRefusalReasons }]);
    setBars(charts.instruments, [{ label: 'threatened', values: t.threatened }, { label: 'applied', values: t.applied }]);
    drawAgreements(t.negotiations);
    fill($('negotiations').tBodies[0], t.negotiations.map(n => row([n.index, n.dyad, n.opened, n.outcome, n.rounds, num(n.utilitySending), num(n.utilityReceiving),
      Object.entries(n.terms).map(([k, v]) => `${k.replace(/^term\./, '')}=${v}`).join(', ')])));
    // One column per country, one row per term of its acceptance policy: fits however many countries there are.
    const countries = Object.keys(t.policies);
    const keys = countries.length ? Object.keys(t.policies[countries[0]]) : [];
    const head = document.createElement('tr'); ['policy', ...countries].forEach(k => { const th = document.createElement('th'); th.textContent = k; head.appendChild(th); });
    $('policies').tHead.replaceChildren(head);
    fill($('policies').tBodies[0], keys.map(k => row([k, ...countries.map(c => t.policies[c][k])])));
    fill($('inforce').tBodies[0], t.inForce.map(i => row([i.by, i.against, i.instrument, i.since])));
    fill($('terms').tBodies[0], Object.entries(t.termsInForce).map(([d, terms]) => row([d, Object.entries(terms).map(([k, v]) => `${k}=${v}`).join(', ')])));
  }

  function renderTimeline() {
    const actor = $('filter-actor').value.trim().toLowerCase(), kind = $('filter-kind').value;
    const shown = state.timeline.filter(e => (!actor || (e.actor + ' ' + (e.subject || '')).toLowerCase().includes(actor)) && (!kind || e.kind === kind));
    fill($('timeline').tBodies[0], shown.slice(-200).reverse().map(e =>
      row([e.time, e.story || [e.kind, e.actor, e.subject, e.reasons.join(', ')].filter(Boolean).join(' | '), e.fields], e.kind === 'intervention' ? 'intervention' : '')));
    const select = $('filter-kind');
    for (const k of [...state.kinds].sort()) if (![...select.options].some(o => o.value === k)) select.add(new Option(k, k));
  }

  function renderRun(r, interventions) {
    const behind = r.behindSeconds > 0.5 ? `, ${r.behindSeconds.toFixed(1)} s behind` : '';
    $('status').textContent = `${r.scenario} seed ${r.seed} | ${r.status} | ${r.time} (tick ${r.tick} of ${r.endTick}) | ${r.speed}${behind} | ${r.events} events`
      + (r.digest ? ` | digest ${r.digest}` : '') + (r.error ? ` | error: ${r.error}` : '');
    if ($('status').dataset.status !== r.status) refreshRuns(r.id).catch(() => {});
    $('status').dataset.status = r.status;
    $('export').href = `api/runs/${encodeURIComponent(r.id)}/export`;
    fill($('interventions'), interventions.map(i => { const li = document.createElement('li'); li.textContent = `${i.time} (tick ${i.tick}): ${i.description}`; return li; }));
  }

  // Data is taken in as it arrives (cheap); drawing (charts, tables, timeline) happens at most every 250 ms, so a
  // busy page never queues updates behind its own rendering.
  let drawPending = false, lastDraw = 0, latest = null;
  function apply(u) {
    if (u.run.id !== state.runId) return;
    if (u.full) {
      state.lastTick = -1; state.timeline = []; state.kinds = new Set(); state.offers = new Map(); state.lastSeq = 0;
      // The map keeps its outlines: its shading and routes come whole with every update's totals.
      for (const c of Object.values(charts)) if (c !== charts.map) { c.data.datasets = []; if (c.data.labels) c.data.labels = []; }
      state.full = u;
    }
    u.points.forEach(addPoint);
    (u.bargains || []).forEach(addBargain);
    u.offers.forEach(addOffer);
    for (const e of u.timeline) if (e.seq > state.lastSeq) { state.lastSeq = e.seq; state.timeline.push(e); state.kinds.add(e.kind); }
    if (state.timeline.length > MAX_TIMELINE) state.timeline.splice(0, state.timeline.length - MAX_TIMELINE);
    latest = u;
    state.updates++;
    if (drawPending) return;
    drawPending = true;
    setTimeout(draw, Math.max(0, 250 - (performance.now() - lastDraw)));
  }

  function draw() {
    drawPending = false;
    lastDraw = performance.now();
    const u = latest;
    $('timeline-note').textContent = u.timelineDropped > 0 ? `(${u.timelineDropped} entries skipped at this speed; events.jsonl of a run has them all)` : '';
    renderTotals(u.totals);
    renderRun(u.run, u.interventions);
    renderTimeline();
    for (const c of Object.values(charts)) c.update('none');
    state.draws = (state.draws || 0) + 1;
  }

  // Ensemble view: each series' median and 90% band over the replicates finished so far.
  const ensembleChart = new Chart($('chart-ensemble'), {
    type: 'line', data: { labels: [], datasets: [] },
    options: { animation: false, maintainAspectRatio: false, elements: { point: { radius: 0 } },
      scales: { x: { title: { display: true, text: 'simulated day' } } } },
  });
  state.ensembleChart = ensembleChart;
  function drawEnsemble() {
    const e = state.ensemble;
    if (!e) return;
    $('ens-status').textContent = `${e.scenario}: ${e.finished} of ${e.replications} replicates finished${e.failed ? `, ${e.failed} failed` : ''} (${e.status})`;
    const select = $('ens-series');
    if (select.options.length === 0) Object.keys(e.bands).forEach(k => select.add(new Option(k, k)));
    const band = e.bands[select.value || Object.keys(e.bands)[0]];
    if (!band) return;
    ensembleChart.data.labels = e.days;
    ensembleChart.data.datasets = [
      { label: '5%', data: band.q05, borderColor: 'rgba(31,119,180,0.3)', backgroundColor: 'rgba(31,119,180,0.15)', fill: false, borderWidth: 1 },
      { label: '95% (band: 5-95%)', data: band.q95, borderColor: 'rgba(31,119,180,0.3)', backgroundColor: 'rgba(31,119,180,0.15)', fill: '-1', borderWidth: 1 },
      { label: 'median', data: band.median, borderColor: '#1f77b4', borderWidth: 2, fill: false },
    ];
    $('ens-compare').textContent = '';
    const base = state.baseline, series = select.value || Object.keys(e.bands)[0];
    const baseBand = base && base.id !== e.id ? base.bands[series] : null;
    if (baseBand) {
      // The pinned baseline on the same days (by day label), grey and dashed, and what the what-if's median at the
      // last day both have says against the baseline's spread.
      const at = day => { const i = base.days.indexOf(day); return i < 0 ? null : i; };
      const on = values => e.days.map(d => { const i = at(d); return i == null ? null : values[i]; });
      const grey = { borderColor: 'rgba(90,90,90,0.8)', borderDash: [6, 4], borderWidth: 1.5, fill: false, pointRadius: 0 };
      ensembleChart.data.datasets.push(
        { label: 'baseline 5%', data: on(baseBand.q05), ...grey, borderWidth: 1 },
        { label: 'baseline 95%', data: on(baseBand.q95), ...grey, borderWidth: 1 },
        { label: 'baseline median', data: on(baseBand.median), ...grey });
      const common = e.days.filter(d => at(d) != null && band.median[e.days.indexOf(d)] != null);
      if (common.length) {
        const d = common[common.length - 1], m = band.median[e.days.indexOf(d)], i = at(d);
        const lo = baseBand.q05[i], hi = baseBand.q95[i], bm = baseBand.median[i];
        const fmt = v => (+v).toLocaleString('en', { maximumFractionDigits: 2 });
        $('ens-compare').textContent = `${series}, day ${d}: median ${fmt(m)} against the baseline's ${fmt(bm)} (its 90% band ${fmt(lo)}–${fmt(hi)}): `
          + (m >= lo && m <= hi ? 'within the baseline\'s spread; this difference is within the noise of single runs.'
                                : 'outside the baseline\'s 90% band: more than the noise of single runs.');
      }
    }
    ensembleChart.update('none');
  }
  $('ens-series').addEventListener('change', drawEnsemble);
  $('ens-pin').addEventListener('click', () => {
    if (!state.ensemble || !state.ensemble.bands) { $('ensemble-errors').textContent = 'run an ensemble first'; return; }
    state.baseline = JSON.parse(JSON.stringify(state.ensemble));
    $('ens-status').textContent += ' (pinned as baseline)';
    setHash();
  });

  // The address names what is on screen (the run, the ensemble drawn, the pinned baseline), so a reload or a shared
  // link shows the same.
  function setHash() {
    const parts = new URLSearchParams();
    if (state.runId) parts.set('run', state.runId);
    if (state.ensemble && state.ensemble.id) parts.set('ensemble', state.ensemble.id);
    if (state.baseline && state.baseline.id) parts.set('baseline', state.baseline.id);
    history.replaceState(null, '', `#${parts}`);
  }
  async function refreshEnsembles() {
    const ensembles = await (await fetch('api/ensembles')).json();
    $('ensembles').replaceChildren(...ensembles.map(e => new Option(
      `${e.scenario} x${e.replications} (${e.status})${e.run ? ` of run ${e.run.slice(-8)}` : ''} ${e.id.slice(-8)}`, e.id)));
    if (state.ensemble && state.ensemble.id) $('ensembles').value = state.ensemble.id;
    return ensembles;
  }
  $('ens-show').addEventListener('click', () => { if ($('ensembles').value) watchEnsemble($('ensembles').value); });

  // SignalR: reconnects by itself; on reconnect the run is watched again (a full state, then the stream).
  // The token (if the server has one) goes with the stream too: a browser's WebSocket carries it as access_token.
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('hub', { accessTokenFactory: () => $('token').value || sessionStorage.getItem('sovsim_token') || '' })
    .withAutomaticReconnect().build();
  connection.on('update', u => {
    if (!u.full) connection.invoke('Received', Date.now() - u.producedAtMs).catch(() => {});
    apply(u);
  });
  // An ensemble's state only moves forward: a push and the snapshot of WatchEnsemble can arrive in either order, and
  // the older of the two must not overwrite the newer (a fast ensemble would otherwise stay "running" on the page).
  const progressOf = e => (e && e.status ? (e.status === 'running' ? 0 : 1e9) + e.finished + e.failed : -1);
  function takeEnsemble(e) {
    if (!state.ensemble || e.id !== state.ensemble.id || progressOf(e) < progressOf(state.ensemble)) return;
    state.ensemble = e;
    drawEnsemble();
  }
  connection.on('ensemble', takeEnsemble);
  connection.onreconnected(() => { if (state.runId) watch(state.runId); if (state.ensemble) watchEnsemble(state.ensemble.id); });
  async function watchEnsemble(id) {
    await connected;
    if (state.ensemble && state.ensemble.id && state.ensemble.id !== id) await connection.invoke('UnwatchEnsemble', state.ensemble.id).catch(() => {});
    state.ensemble = { id };
    setHash();
    takeEnsemble(await connection.invoke('WatchEnsemble', id));
    await refreshEnsembles();
  }
  // Without the token of a server that has one, the stream waits for it to be typed in.
  let connected = connection.start().catch(() => { $('start-errors').textContent = 'the live stream needs this server\'s token: type it in the Token box'; });

  async function watch(id) {
    await connected;
    if (state.runId && state.runId !== id) await connection.invoke('Unwatch', state.runId).catch(() => {});
    state.runId = id;
    // The run's charts come up to the first screen; the start form folds away (a click opens it again).
    $('start-details').open = false;
    setHash();
    apply(await connection.invoke('Watch', id));
    await loadLiveParameters(id);
    // After a reload, the newest ensemble of this run comes back with it.
    if (!state.ensemble) {
      const mine = (await refreshEnsembles()).filter(e => e.run === id);
      if (mine.length) await watchEnsemble(mine[mine.length - 1].id);
    }
  }

  // Parameters as form controls, generated from the scenario's own values and the schema's kinds and bounds
  // (api/scenarios/NAME/parameters): numbers with a slider where both bounds are known, choices as lists, switches as
  // check boxes; a count that may be none, and durations, as text. The name's tooltip is the schema's description.
  const valueOf = input => input.type === 'checkbox' ? String(input.checked) : input.value.trim();
  function parameterInput(p) {
    let input;
    if (p.kind === 'boolean') { input = document.createElement('input'); input.type = 'checkbox'; input.checked = p.value === 'true'; }
    else if (p.kind === 'choice') { input = document.createElement('select'); input.append(...p.choices.map(c => new Option(c, c))); input.value = p.value; }
    else {
      input = document.createElement('input');
      if ((p.kind === 'number' || p.kind === 'integer') && p.none == null) {
        input.type = 'number';
        input.step = p.kind === 'integer' ? '1' : 'any';
        if (p.min != null) input.min = p.min;
        if (p.max != null) input.max = p.max;
      } else input.size = 7;
      input.value = p.value;
      if (p.none != null) input.placeholder = `none = ${p.none}`;
    }
    input.className = 'param';
    input.dataset.path = p.path;
    input.dataset.initial = valueOf(input);
    const mark = () => input.classList.toggle('changed', valueOf(input) !== input.dataset.initial);
    input.addEventListener('input', mark);
    input.addEventListener('change', mark);
    return input;
  }
  function parameterRow(p, extra) {
    const label = document.createElement('label');
    label.title = (p.description || p.path) + (p.min != null || p.max != null ? ` [${p.min ?? ''} .. ${p.max ?? ''}]` : '') + (p.none != null ? `; none: ${p.none}` : '');
    label.dataset.path = p.path;
    const name = document.createElement('span');
    name.textContent = p.name;
    if (p.live) { const live = document.createElement('span'); live.className = 'live'; live.textContent = ' ⚡'; live.title = 'can also change while the run goes (Intervene panel)'; name.append(live); }
    const input = parameterInput(p);
    const row = document.createElement('span');
    row.append(input);
    if (input.type === 'number' && p.min != null && p.max != null) {
      // A slider beside the number, each moving the other.
      const slider = document.createElement('input');
      Object.assign(slider, { type: 'range', min: p.min, max: p.max, step: p.kind === 'integer' ? 1 : (p.max - p.min) / 100, value: p.value });
      slider.addEventListener('input', () => { input.value = slider.value; input.dispatchEvent(new Event('input')); });
      input.addEventListener('input', () => { slider.value = input.value; });
      row.append(slider);
    }
    if (extra) row.append(extra(input));
    label.append(name, row);
    return label;
  }
  function renderParameters(container, parameters, extra) {
    const sections = new Map();
    for (const p of parameters) {
      if (p.path === 'seed') continue; // its own field
      const key = p.section || 'scenario';
      if (!sections.has(key)) {
        const set = document.createElement('fieldset');
        const legend = document.createElement('legend');
        legend.textContent = key;
        set.append(legend);
        sections.set(key, set);
      }
      sections.get(key).append(parameterRow(p, extra));
    }
    $(container).replaceChildren(...sections.values());
  }
  function filterParameters() {
    const words = $('param-filter').value.toLowerCase().split(/\s+/).filter(w => w);
    for (const set of $('params').querySelectorAll('fieldset')) {
      let shown = 0;
      for (const label of set.querySelectorAll('label')) {
        const hit = words.every(w => label.dataset.path.toLowerCase().includes(w));
        label.hidden = !hit;
        if (hit) shown++;
      }
      set.hidden = shown === 0;
    }
  }
  async function loadParameters() {
    if ($('upload').files[0] || !$('scenario').value) { $('params').replaceChildren(); return; }
    const name = $('scenario').value;
    const response = await fetch(`api/scenarios/${encodeURIComponent(name)}/parameters`);
    const json = await response.json();
    if (name !== $('scenario').value || $('upload').files[0]) return; // another scenario was chosen meanwhile: its answer draws
    if (!response.ok) { $('start-errors').textContent = json.error; $('params').replaceChildren(); return; }
    renderParameters('params', json);
    filterParameters();
  }
  // The watched run's policies that can change now, each with its own Change button (a set intervention).
  async function loadLiveParameters(id) {
    const response = await fetch(`api/runs/${encodeURIComponent(id)}/parameters`);
    const parameters = response.ok ? await response.json() : [];
    if (id !== state.runId) return; // another run is watched now
    renderParameters('live-params', parameters, input => {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Change';
      button.addEventListener('click', async () => {
        if (await intervene({ set: `${input.dataset.path}=${valueOf(input)}` })) {
          input.dataset.initial = valueOf(input);
          input.classList.remove('changed');
        }
      });
      return button;
    });
  }
  // Each underlined term shows its glossary entry on hover, and a click opens the glossary at it: the entry is written
  // once, in the glossary.
  for (const term of document.querySelectorAll('abbr.term')) {
    const entry = document.querySelector(`#glossary dd[data-term="${term.dataset.term}"]`);
    if (!entry) continue;
    term.title = entry.textContent;
    term.addEventListener('click', () => { $('glossary-details').open = true; entry.previousElementSibling.scrollIntoView({ block: 'center' }); });
  }
  $('scenario').addEventListener('change', loadParameters);
  $('upload').addEventListener('change', loadParameters);
  $('param-filter').addEventListener('input', filterParameters);

  function headers() {
    const h = { 'Content-Type': 'application/json' };
    const token = $('token').value || sessionStorage.getItem('sovsim_token');
    if (token) h.Authorization = `Bearer ${token}`;
    return h;
  }
  $('token').addEventListener('change', () => {
    sessionStorage.setItem('sovsim_token', $('token').value);
    document.cookie = `sovsim_token=${encodeURIComponent($('token').value)}; path=/; SameSite=Strict`;
    if (connection.state === signalR.HubConnectionState.Disconnected)
      connected = connection.start().then(() => { if (state.runId) watch(state.runId); }).catch(() => {});
  });

  async function call(method, url, body, errors) {
    $(errors).textContent = '';
    const response = await fetch(url, { method, headers: headers(), body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let json = null; try { json = JSON.parse(text); } catch { }
    if (!response.ok) {
      // A scenario's errors are listed once each (the summary line of the API names the first one too).
      const listed = json && json.errors && json.errors.length ? json.errors.map(e => e.message) : [];
      const lines = listed.length ? [`${listed.length} error(s) in the scenario:`, ...listed] : [json && json.error ? json.error : `${response.status} ${text}`];
      $(errors).textContent = lines.join('\n');
      return null;
    }
    return json;
  }

  async function refreshRuns(select) {
    const runs = await (await fetch('api/runs')).json();
    $('runs').replaceChildren(...runs.map(r => new Option(`${r.scenario} seed ${r.seed} (${r.status}) ${r.id}`, r.id)));
    if (select) $('runs').value = select;
  }

  // The scenario of the start form (a shipped one, or the uploaded file), its seed and overrides.
  async function addScenario(body) {
    const file = $('upload').files[0];
    if (file) { body.yaml = await file.text(); body.fileName = file.name; } else body.scenario = $('scenario').value;
    if ($('seed').value !== '') body.seed = Number($('seed').value);
    // Changed controls first, typed overrides after them (a later --set of the same path wins).
    const controls = file ? [] : [...$('params').querySelectorAll('.param')].filter(i => valueOf(i) !== i.dataset.initial).map(i => `${i.dataset.path}=${valueOf(i)}`);
    const overrides = [...controls, ...$('overrides').value.split('\n').map(s => s.trim()).filter(s => s)];
    if (overrides.length) body.overrides = overrides;
  }

  $('start-form').addEventListener('submit', async ev => {
    ev.preventDefault();
    const body = { speed: $('start-speed').value, paused: $('start-paused').checked };
    await addScenario(body);
    const run = await call('POST', 'api/runs', body, 'start-errors');
    if (run) { await refreshRuns(run.id); await watch(run.id); }
  });
  $('ensemble-form').addEventListener('submit', async ev => {
    ev.preventDefault();
    const body = { replications: Number($('ens-replications').value), parallel: Number($('ens-parallel').value) };
    // Replicates of the run on screen (its scenario, interventions and seed), or of the start form's scenario.
    if ($('ens-of').value === 'watched' && state.runId) body.run = state.runId; else await addScenario(body);
    const ensemble = await call('POST', 'api/ensembles', body, 'ensemble-errors');
    if (ensemble) await watchEnsemble(ensemble.id);
  });
  $('watch').addEventListener('click', () => { if ($('runs').value) watch($('runs').value); });
  const control = (path, body) => async () => { if (state.runId) await call('POST', `api/runs/${encodeURIComponent(state.runId)}/${path}`, body, 'control-errors'); };
  $('pause').addEventListener('click', control('pause'));
  $('resume').addEventListener('click', control('resume'));
  $('step-tick').addEventListener('click', control('step?by=tick'));
  $('step-day').addEventListener('click', control('step?by=day'));
  $('stop').addEventListener('click', control('stop'));
  $('set-speed').addEventListener('click', () => control('speed', { speed: $('speed').value })());

  function policyOf(text) {
    const policy = {};
    for (const part of text.split(',').map(s => s.trim()).filter(s => s)) {
      const [k, v] = part.split('=').map(s => (s || '').trim());
      policy[k] = v === 'true' ? true : v === 'false' ? false : v !== '' && !isNaN(Number(v)) ? Number(v) : v;
    }
    return policy;
  }
  async function intervene(body) {
    if (!state.runId) { $('intervene-errors').textContent = 'watch a run first'; return; }
    return await call('POST', `api/runs/${encodeURIComponent(state.runId)}/interventions`, body, 'intervene-errors');
  }
  $('event-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const body = { kind: $('ev-kind').value };
    for (const [key, id] of [['country', 'ev-country'], ['against', 'ev-against'], ['instrument', 'ev-instrument'], ['note', 'ev-note']])
      if ($(id).value.trim()) body[key] = $(id).value.trim();
    if ($('ev-value').value.trim()) body.value = Number($('ev-value').value);
    if ($('ev-policy').value.trim()) body.policy = policyOf($('ev-policy').value);
    intervene(body);
  });
  $('set-form').addEventListener('submit', ev => { ev.preventDefault(); intervene({ set: $('set-text').value.trim() }); });
  $('filter-actor').addEventListener('input', renderTimeline);
  $('filter-kind').addEventListener('change', renderTimeline);

  (async () => {
    loadMap().catch(e => { $('start-errors').textContent = `the route map could not load: ${e}`; });
    const names = await (await fetch('api/scenarios')).json();
    $('scenario').replaceChildren(...names.map(n => new Option(n, n)));
    await loadParameters();
    const hash = new URLSearchParams(location.hash.slice(1));
    const fromHash = hash.get('run');
    if (hash.get('baseline')) {
      const response = await fetch(`api/ensembles/${encodeURIComponent(hash.get('baseline'))}`);
      if (response.ok) state.baseline = await response.json();
    }
    // The run first (the ensemble named in the address is claimed, so the run does not pick its newest), then the
    // ensemble: the address keeps both.
    if (hash.get('ensemble')) state.ensemble = { id: hash.get('ensemble') };
    await refreshRuns(fromHash);
    if (fromHash) await watch(fromHash);
    if (hash.get('ensemble')) await watchEnsemble(hash.get('ensemble'));
    await refreshEnsembles();
  })();
})();
