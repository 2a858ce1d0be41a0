// A small hand-written canvas line chart: temperature (°C) against time (s), several series, a legend, optional
// dashed series (baselines, earlier sessions). Why hand-written: the pages need exactly this one chart, it must
// print, and a 150-line module is easier to audit than a vendored library.

export class LineChart {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{xLabel?: string, yLabel?: string, minYSpan?: number, xMin?: number, xMax?: number}} options
   */
  constructor(canvas, options = {}) {
    this.canvas = canvas;
    this.options = { xLabel: 'time after challenge end (s)', yLabel: '°C', minYSpan: 4, ...options };
    this.series = [];
    this.markers = [];
  }

  /** series: [{name, colour, points: [[x, y], …], dashed?: bool, width?: number}] */
  setSeries(series) { this.series = series; }

  /** Vertical markers (events such as challenge start/end): [{x, label}] */
  setMarkers(markers) { this.markers = markers; }

  draw() {
    const canvas = this.canvas;
    // Sharp lines on high-density screens: draw at device pixels, lay out in CSS pixels.
    const ratio = window.devicePixelRatio || 1;
    const cssWidth = canvas.clientWidth || canvas.width;
    const cssHeight = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(cssWidth * ratio) || canvas.height !== Math.round(cssHeight * ratio)) {
      canvas.width = Math.round(cssWidth * ratio);
      canvas.height = Math.round(cssHeight * ratio);
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, cssWidth, cssHeight);

    const bounds = this.bounds();
    // The legend sits right of the plot, as wide as its longest name.
    ctx.font = '11px system-ui, sans-serif';
    const legendWidth = Math.max(60, ...this.series.filter(s => s.legend !== false).map(s => ctx.measureText(s.name).width));
    const plot = { left: 52, top: 12, right: cssWidth - legendWidth - 44, bottom: cssHeight - 40 };
    const x = v => plot.left + ((v - bounds.xMin) / (bounds.xMax - bounds.xMin)) * (plot.right - plot.left);
    const y = v => plot.bottom - ((v - bounds.yMin) / (bounds.yMax - bounds.yMin)) * (plot.bottom - plot.top);

    const ink = getComputedStyle(canvas).color || '#222';
    ctx.font = '11px system-ui, sans-serif';
    ctx.strokeStyle = '#d0d0d0';
    ctx.fillStyle = ink;
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of ticks(bounds.yMin, bounds.yMax, 6)) {
      ctx.beginPath(); ctx.moveTo(plot.left, y(v)); ctx.lineTo(plot.right, y(v)); ctx.stroke();
      ctx.fillText(formatTick(v), plot.left - 6, y(v));
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const v of ticks(bounds.xMin, bounds.xMax, 8)) {
      ctx.beginPath(); ctx.moveTo(x(v), plot.top); ctx.lineTo(x(v), plot.bottom); ctx.stroke();
      ctx.fillText(formatTick(v), x(v), plot.bottom + 4);
    }
    ctx.fillText(this.options.xLabel, (plot.left + plot.right) / 2, plot.bottom + 20);
    ctx.save();
    ctx.translate(12, (plot.top + plot.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(this.options.yLabel, 0, -6);
    ctx.restore();

    ctx.strokeStyle = '#888';
    ctx.setLineDash([2, 3]);
    ctx.textAlign = 'left';
    for (const marker of this.markers) {
      if (marker.x < bounds.xMin || marker.x > bounds.xMax) continue;
      ctx.beginPath(); ctx.moveTo(x(marker.x), plot.top); ctx.lineTo(x(marker.x), plot.bottom); ctx.stroke();
      ctx.fillText(marker.label, x(marker.x) + 3, plot.top);
    }
    ctx.setLineDash([]);

    ctx.save();
    ctx.beginPath();
    ctx.rect(plot.left, plot.top, plot.right - plot.left, plot.bottom - plot.top);
    ctx.clip();
    for (const s of this.series) {
      if (!s.points || s.points.length === 0) continue;
      ctx.strokeStyle = s.colour;
      ctx.lineWidth = s.width ?? 1.6;
      ctx.setLineDash(s.dashed ? [6, 4] : []);
      ctx.beginPath();
      let pen = false;
      let previousX = null;
      for (const [px, py] of s.points) {
        if (py === null || !Number.isFinite(py)) { pen = false; continue; }
        // A gap in time longer than 30 s is drawn as a gap (metrics.md: gaps are never interpolated).
        if (pen && previousX !== null && px - previousX > 30) pen = false;
        if (pen) ctx.lineTo(x(px), y(py)); else ctx.moveTo(x(px), y(py));
        pen = true;
        previousX = px;
      }
      ctx.stroke();
    }
    ctx.restore();
    ctx.setLineDash([]);

    ctx.textBaseline = 'middle';
    let legendY = plot.top + 6;
    for (const s of this.series) {
      if (s.legend === false) continue;
      ctx.strokeStyle = s.colour;
      ctx.lineWidth = 2;
      ctx.setLineDash(s.dashed ? [6, 4] : []);
      ctx.beginPath(); ctx.moveTo(plot.right + 10, legendY); ctx.lineTo(plot.right + 30, legendY); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = ink;
      ctx.fillText(s.name, plot.right + 34, legendY);
      legendY += 16;
    }
    canvas.dataset.series = String(this.series.filter(s => s.points && s.points.length > 0).length);
  }

  bounds() {
    let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
    for (const s of this.series) {
      for (const [px, py] of s.points ?? []) {
        if (py === null || !Number.isFinite(py)) continue;
        if (px < xMin) xMin = px; if (px > xMax) xMax = px;
        if (py < yMin) yMin = py; if (py > yMax) yMax = py;
      }
    }
    if (xMin === Infinity) { xMin = 0; xMax = 60; yMin = 20; yMax = 35; }
    if (this.options.xMin !== undefined) xMin = Math.min(xMin, this.options.xMin);
    if (this.options.xMax !== undefined) xMax = Math.max(xMax, this.options.xMax);
    if (xMax - xMin < 10) xMax = xMin + 10;
    const span = yMax - yMin;
    if (span < this.options.minYSpan) {
      const middle = (yMax + yMin) / 2;
      yMin = middle - this.options.minYSpan / 2;
      yMax = middle + this.options.minYSpan / 2;
    }
    return { xMin, xMax, yMin: Math.floor(yMin - 0.5), yMax: Math.ceil(yMax + 0.5) };
  }
}

function ticks(min, max, count) {
  const raw = (max - min) / count;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map(m => m * magnitude).find(s => s >= raw) ?? raw;
  const result = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) result.push(Math.round(v * 1e6) / 1e6);
  return result;
}

function formatTick(v) {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
