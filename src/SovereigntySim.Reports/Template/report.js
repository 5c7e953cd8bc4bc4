// Draws a sovsim report from the JSON in #report-data (ReportModel, see src/SovereigntySim.Reports/Model.cs):
// the header with provenance, then each section's charts (Chart.js) and tables. Each series' `style` says how it is
// drawn; the choice of what to plot was made when the report was built.
(function () {
  'use strict';

  const report = JSON.parse(document.getElementById('report-data').textContent);
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

  function colour(group, alpha) {
    const hex = palette[group % palette.length];
    const [r, g, b] = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children) node.append(child);
    return node;
  }

  // How each style maps onto Chart.js dataset options.
  const styles = {
    line: g => ({ borderColor: colour(g, 1), backgroundColor: colour(g, 1), borderWidth: 2, pointRadius: 2, showLine: true, fill: false }),
    dashed: g => ({ borderColor: colour(g, 1), backgroundColor: colour(g, 1), borderWidth: 1.5, borderDash: [6, 4], pointRadius: 0, showLine: true, fill: false }),
    bandLow: g => ({ borderColor: colour(g, 0.35), backgroundColor: colour(g, 0.35), borderWidth: 1, pointRadius: 0, showLine: true, fill: false }),
    bandHigh: g => ({ borderColor: colour(g, 0.35), backgroundColor: colour(g, 0.15), borderWidth: 1, pointRadius: 0, showLine: true, fill: '-1' }),
    points: g => ({ borderColor: colour(g, 1), backgroundColor: colour(g, 0.6), pointRadius: 4, showLine: false }),
    marker: g => ({ borderColor: colour(g, 1), backgroundColor: colour(g, 0.9), pointRadius: 9, pointHoverRadius: 11,
                    pointStyle: g % 2 ? 'star' : 'rectRot', borderWidth: 2, showLine: false }),
    reference: g => ({ borderColor: colour(g, 0.8), backgroundColor: colour(g, 0.8), borderWidth: 1.5, borderDash: [2, 3], pointRadius: 0, showLine: true, fill: false }),
    bar: g => ({ borderColor: colour(g, 1), backgroundColor: colour(g, 0.7), borderWidth: 1 }),
  };

  function dataset(series) {
    const style = styles[series.style] || styles.line;
    return Object.assign(style(series.group), {
      label: series.label,
      data: series.points || series.values,
      inLegend: series.inLegend !== false,
    });
  }

  function chartConfig(spec) {
    const datasets = spec.series.map(dataset);
    const category = spec.type === 'bar' || Array.isArray(spec.labels);
    return {
      type: spec.type,
      data: { labels: spec.labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        spanGaps: false,
        interaction: spec.type === 'line' ? { mode: 'index', intersect: false } : { mode: 'nearest', intersect: true },
        plugins: {
          title: { display: true, text: spec.title, font: { size: 14 } },
          legend: {
            display: datasets.filter(d => d.inLegend).length > 1,
            labels: { filter: (item, data) => data.datasets[item.datasetIndex].inLegend },
          },
          tooltip: { filter: item => item.dataset.inLegend || spec.type !== 'line' },
        },
        scales: {
          x: { type: category ? 'category' : 'linear', title: { display: true, text: spec.x.label } },
          y: { type: 'linear', beginAtZero: !!spec.y.beginAtZero, title: { display: true, text: spec.y.label } },
        },
      },
    };
  }

  function renderHeader() {
    const p = report.provenance;
    const header = document.getElementById('report-header');
    document.title = report.title;
    header.append(el('h1', { textContent: report.title }));
    const facts = el('dl', { className: 'facts' });
    for (const f of p.facts) facts.append(el('dt', { textContent: f.label }), el('dd', { textContent: f.value }));
    facts.append(el('dt', { textContent: 'folder' }), el('dd', { textContent: p.folder }));
    facts.append(el('dt', { textContent: 'files read' }), el('dd', { textContent: p.files.join(', ') }));
    header.append(facts);
    if (p.block) {
      header.append(el('h3', { textContent: 'Command and provenance' }), el('pre', { className: 'provenance', textContent: p.block }));
    }
  }

  const numeric = /^(–|[-+]?[\d,]*\.?\d+(e[-+]?\d+)?)$/i;

  function renderTable(spec) {
    const table = el('table', { id: spec.id });
    table.append(el('caption', { textContent: spec.title }));
    const head = el('tr');
    for (const c of spec.columns) head.append(el('th', { textContent: c, scope: 'col' }));
    table.append(el('thead', {}, head));
    const body = el('tbody');
    for (const row of spec.rows) {
      const tr = el('tr');
      for (const cell of row) tr.append(el('td', { textContent: cell, className: numeric.test(cell) ? 'num' : '' }));
      body.append(tr);
    }
    table.append(body);
    return el('div', { className: 'table' }, table, el('p', { className: 'table-text', textContent: spec.text }));
  }

  function renderSections() {
    const main = document.getElementById('report-sections');
    const toc = document.getElementById('report-toc');
    if (report.sections.length === 0) {
      main.append(el('p', { textContent: 'The folder holds nothing that this report can chart.' }));
    }
    for (const section of report.sections) {
      toc.append(el('a', { href: '#' + section.id, textContent: section.title }));
      const node = el('section', { id: section.id });
      node.append(el('h2', { textContent: section.title }), el('p', { className: 'section-text', textContent: section.text }));
      const grid = el('div', { className: 'charts' });
      node.append(grid);
      for (const table of section.tables) node.append(renderTable(table));
      main.append(node);
      for (const spec of section.charts) {
        const canvas = el('canvas', { id: spec.id, role: 'img', ariaLabel: spec.title });
        grid.append(el('figure', { className: 'chart' },
          el('div', { className: 'chart-box' }, canvas),
          el('figcaption', {}, el('p', { className: 'chart-text', textContent: spec.text }))));
        new Chart(canvas, chartConfig(spec));
      }
    }
  }

  renderHeader();
  renderSections();
})();
