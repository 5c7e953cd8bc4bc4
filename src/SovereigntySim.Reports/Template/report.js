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

  // Interval charts (validation): each row a figure, each series an interval on it (Interval in Model.cs). Colour
  // says pass or fail only together with the row's label, which says it in words.
  const verdict = { pass: 'rgba(44, 160, 44, 0.75)', fail: 'rgba(214, 39, 40, 0.75)' };
  const intervalStyles = {
    observed: () => 'rgba(91, 100, 117, 0.45)',
    predicted: i => (i && i.pass === false ? verdict.fail : verdict.pass),
    baseline: () => 'rgba(148, 103, 189, 0.55)',
  };

  function intervalDataset(series) {
    const fill = intervalStyles[series.style] || intervalStyles.observed;
    return {
      label: series.label,
      data: series.intervals.map(i => (i ? [i.from, i.to] : null)),
      intervals: series.intervals,
      style: series.style,
      backgroundColor: series.intervals.map(fill),
      borderColor: 'rgba(29, 35, 48, 0.6)',
      borderWidth: 1,
      borderSkipped: false,
      minBarLength: 4,
      inLegend: series.inLegend !== false,
    };
  }

  // Draws what a floating bar cannot: the median (a tick) or point value (a dot), and an arrow at an open end.
  const intervalMarks = {
    id: 'intervalMarks',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      const x = chart.scales.x;
      ctx.save();
      ctx.fillStyle = ctx.strokeStyle = '#1d2330';
      ctx.lineWidth = 2;
      chart.data.datasets.forEach((d, di) => {
        chart.getDatasetMeta(di).data.forEach((bar, j) => {
          const i = d.intervals[j];
          if (!i) return;
          const half = bar.height / 2;
          if (i.markAt != null) {
            const px = x.getPixelForValue(i.markAt);
            ctx.beginPath();
            if (d.style === 'observed') ctx.arc(px, bar.y, Math.min(5, half), 0, 2 * Math.PI), ctx.fill();
            else ctx.moveTo(px, bar.y - half - 2), ctx.lineTo(px, bar.y + half + 2), ctx.stroke();
          }
          const arrow = (value, direction) => {
            const px = x.getPixelForValue(value);
            ctx.beginPath();
            ctx.moveTo(px, bar.y); // the tip on the axis edge, so that the chart area does not clip it
            ctx.lineTo(px - direction * 9, bar.y - half - 2);
            ctx.lineTo(px - direction * 9, bar.y + half + 2);
            ctx.closePath();
            ctx.fill();
          };
          if (i.lo == null) arrow(i.from, -1);
          if (i.hi == null) arrow(i.to, 1);
        });
      });
      ctx.restore();
    },
  };

  function intervalConfig(spec) {
    return {
      type: 'bar',
      data: { labels: spec.labels, datasets: spec.series.map(intervalDataset) },
      plugins: [intervalMarks],
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', axis: 'y', intersect: false },
        plugins: {
          title: { display: true, text: spec.title, font: { size: 14 } },
          legend: { display: true },
          tooltip: { callbacks: { label: item => item.dataset.intervals[item.dataIndex].text } },
        },
        scales: {
          x: { type: 'linear', min: spec.x.min, max: spec.x.max, ticks: { display: false }, title: { display: true, text: spec.x.label } },
          y: { type: 'category', title: { display: true, text: spec.y.label } },
        },
      },
    };
  }

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
    spec.rows.forEach((row, r) => {
      const tr = el('tr');
      const links = spec.links ? spec.links[r] : [];
      row.forEach((cell, c) => {
        const href = links[c];
        // The builder links only http(s) addresses; checked again so that no other scheme can become a link.
        const content = href && /^https?:\/\//i.test(href) ? el('a', { href, textContent: cell, rel: 'noopener noreferrer' }) : cell;
        tr.append(el('td', { className: numeric.test(cell) ? 'num' : '' }, content));
      });
      body.append(tr);
    });
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
        const box = el('div', { className: 'chart-box' }, canvas);
        const interval = spec.type === 'interval';
        // An interval chart grows with its rows, so that each figure keeps a readable height.
        if (interval) box.style.height = `${90 + spec.labels.length * (12 + 14 * spec.series.length)}px`;
        grid.append(el('figure', { className: 'chart' }, box,
          el('figcaption', {}, el('p', { className: 'chart-text', textContent: spec.text }))));
        new Chart(canvas, interval ? intervalConfig(spec) : chartConfig(spec));
      }
    }
  }

  renderHeader();
  renderSections();
})();
