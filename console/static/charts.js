// The console's charts, loaded by the results pages only (a file from 'self': the console's
// CSP allows no inline code). It loads uPlot (MIT, canvas, no eval, styles set through the
// CSSOM only) next to itself on first use and draws a chart spec computed by the console:
// {x: [days since the epoch], series: [{label, color, values}]}. Days are UTC dates.
(() => {
  const base = document.currentScript.src.replace(/[^/]*$/, '');
  let ready;
  const load = () => (ready ??= new Promise((resolve, reject) => {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = `${base}uPlot.min.css`;
    document.head.append(css);
    const script = document.createElement('script');
    script.src = `${base}uPlot.iife.min.js`;
    script.onload = resolve;
    script.onerror = () => { ready = undefined; reject(new Error('uPlot did not load')); };
    document.head.append(script);
  }));
  const live = new Set();
  const ink = '#8a94a6';
  const grid = { stroke: '#8a94a633', width: 1 };
  // Ticks on whole days and whole numbers.
  const days = [1, 2, 7, 14, 28, 91, 182, 364].map((d) => d * 86400);
  const counts = [1, 2, 5].flatMap((m) => Array.from({ length: 9 }, (_, i) => m * 10 ** i)).sort((a, b) => a - b);

  /** Draws `spec` (JSON text) into `el`, replacing what it held. */
  window.cairnChart = async (el, spec) => {
    await load();
    await new Promise(requestAnimationFrame);
    // Charts whose element left the page are destroyed (their listeners go with them).
    for (const c of live) {
      if (!c.root.isConnected || c.root.parentNode === el) { c.destroy(); live.delete(c); }
    }
    if (!el.isConnected) return;
    const { x, series } = JSON.parse(spec);
    const chart = new uPlot({
      width: Math.max(280, Math.min(el.clientWidth || 640, 1000)),
      height: 240,
      legend: { show: false },
      cursor: { show: false },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
      scales: { y: { range: (u, min, max) => [0, Math.max(1, max)] } },
      axes: [
        { stroke: ink, grid, ticks: grid, incrs: days },
        { stroke: ink, grid, ticks: grid, incrs: counts },
      ],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: x.length < 40 } }))],
    }, [x.map((d) => d * 86400), ...series.map((s) => s.values)], el);
    live.add(chart);
  };
})();
