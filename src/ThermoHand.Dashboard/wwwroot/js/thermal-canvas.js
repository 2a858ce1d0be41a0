// The 32×24 thermal image of one hand, coloured in the browser from the temperatures the device sent, with the
// fingertip (D1–D5) and dorsum regions drawn over it, a colour bar, and the exact temperature under the pointer.
// Drawing is decoupled from arrival: show() only stores the latest frame, draw() (called from requestAnimationFrame)
// paints it once. A slow tab therefore skips frames instead of queueing them.
import { paletteTable, paletteIndex, nextRange, regionColours } from './palette.js';

export const Columns = 32;
export const Rows = 24;

export class ThermalImage {
  /**
   * @param {HTMLCanvasElement} canvas the image (its width/height attributes set the drawing resolution)
   * @param {HTMLCanvasElement} colourBar a tall narrow canvas for the °C scale
   * @param {HTMLElement} readout where the hovered pixel and its temperature are written
   */
  constructor(canvas, colourBar, readout) {
    this.canvas = canvas;
    this.colourBar = colourBar;
    this.readout = readout;
    this.pixels = document.createElement('canvas');
    this.pixels.width = Columns;
    this.pixels.height = Rows;
    this.pixelContext = this.pixels.getContext('2d');
    this.image = this.pixelContext.createImageData(Columns, Rows);
    this.temps = null;
    this.regions = [];
    this.range = null;
    this.dirty = false;
    this.framesDrawn = 0;
    this.hover = null;
    canvas.addEventListener('mousemove', e => this.pointAt(e));
    canvas.addEventListener('mouseleave', () => { this.hover = null; this.describeHover(); });
  }

  /** Keeps the latest frame; the next draw() paints it. temps: 768 numbers or null (invalid pixel), row-major. */
  show(temps, regions) {
    if (!Array.isArray(temps) || temps.length !== Columns * Rows) return false;
    this.temps = temps;
    this.regions = Array.isArray(regions) ? regions : [];
    this.dirty = true;
    return true;
  }

  draw() {
    if (!this.dirty || !this.temps) return false;
    this.dirty = false;
    this.range = nextRange(this.temps, this.range);
    const data = this.image.data;
    for (let i = 0; i < this.temps.length; i++) {
      const t = this.temps[i];
      const o = i * 4;
      if (t === null || !Number.isFinite(t)) {
        // Invalid pixel: mid grey, never a palette colour that could be mistaken for a temperature.
        data[o] = 128; data[o + 1] = 128; data[o + 2] = 128; data[o + 3] = 255;
        continue;
      }
      const p = paletteIndex(t, this.range.min, this.range.max) * 3;
      data[o] = paletteTable[p]; data[o + 1] = paletteTable[p + 1]; data[o + 2] = paletteTable[p + 2]; data[o + 3] = 255;
    }
    this.pixelContext.putImageData(this.image, 0, 0);

    const ctx = this.canvas.getContext('2d');
    const w = this.canvas.width;
    const h = this.canvas.height;
    // Honest pixels: 32×24 blocks, no smoothing that would invent detail the sensor does not have.
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.pixels, 0, 0, w, h);
    this.drawRegions(ctx, w / Columns, h / Rows);
    this.drawColourBar();
    this.framesDrawn++;
    this.canvas.dataset.framesDrawn = String(this.framesDrawn);
    this.describeHover();
    return true;
  }

  drawRegions(ctx, sx, sy) {
    ctx.save();
    ctx.lineWidth = 2;
    ctx.font = `${Math.max(11, Math.round(sy * 0.8))}px system-ui, sans-serif`;
    for (const region of this.regions) {
      if (!Number.isFinite(region.x) || !Number.isFinite(region.y)) continue;
      // Pixel centres sit at whole-number coordinates (metrics.md §4), hence the half-pixel shift.
      const cx = (region.x + 0.5) * sx;
      const cy = (region.y + 0.5) * sy;
      const colour = regionColours[region.name] ?? '#ffffff';
      ctx.setLineDash(region.trusted ? [] : [4, 3]);
      ctx.strokeStyle = region.trusted ? '#ffffff' : '#bbbbbb';
      ctx.beginPath();
      if (region.name === 'dorsum') {
        ctx.rect(cx - 2 * sx, cy - 2 * sy, 4 * sx, 4 * sy);
      } else {
        ctx.arc(cx, cy, 1.2 * sx, 0, 2 * Math.PI);
      }
      ctx.stroke();
      ctx.setLineDash([]);
      const label = region.name === 'dorsum' ? 'dorsum' : region.name;
      ctx.fillStyle = 'rgba(0, 0, 0, 0.6)';
      const textWidth = ctx.measureText(label).width;
      ctx.fillRect(cx + 1.3 * sx, cy - sy, textWidth + 6, sy * 1.1);
      ctx.fillStyle = colour === '#555555' ? '#ffffff' : colour;
      ctx.fillText(label, cx + 1.3 * sx + 3, cy - 0.1 * sy);
    }
    ctx.restore();
  }

  drawColourBar() {
    const bar = this.colourBar;
    if (!bar || !this.range) return;
    const ctx = bar.getContext('2d');
    const w = bar.width;
    const h = bar.height;
    const barWidth = Math.min(18, w / 3);
    const top = 8;
    const bottom = h - 8;
    ctx.clearRect(0, 0, w, h);
    for (let y = top; y <= bottom; y++) {
      const fraction = 1 - (y - top) / (bottom - top);
      const p = Math.round(fraction * 255) * 3;
      ctx.fillStyle = `rgb(${paletteTable[p]}, ${paletteTable[p + 1]}, ${paletteTable[p + 2]})`;
      ctx.fillRect(0, y, barWidth, 1);
    }
    ctx.fillStyle = getComputedStyle(bar).color || '#000';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const span = this.range.max - this.range.min;
    const step = span > 12 ? 4 : span > 6 ? 2 : 1;
    for (let t = Math.ceil(this.range.min / step) * step; t <= this.range.max; t += step) {
      const y = bottom - ((t - this.range.min) / span) * (bottom - top);
      ctx.fillRect(barWidth, y, 4, 1);
      ctx.fillText(`${t} °C`, barWidth + 6, y);
    }
  }

  pointAt(event) {
    const rect = this.canvas.getBoundingClientRect();
    const column = Math.floor(((event.clientX - rect.left) / rect.width) * Columns);
    const row = Math.floor(((event.clientY - rect.top) / rect.height) * Rows);
    this.hover = column >= 0 && column < Columns && row >= 0 && row < Rows ? { column, row } : null;
    this.describeHover();
  }

  /** The hovered pixel's exact temperature, refreshed on every frame so it stays live while the pointer rests. */
  describeHover() {
    if (!this.readout) return;
    if (!this.hover || !this.temps) {
      this.readout.textContent = 'Point at the image for a pixel temperature';
      delete this.readout.dataset.celsius;
      return;
    }
    const { column, row } = this.hover;
    const t = this.temps[row * Columns + column];
    if (t === null || !Number.isFinite(t)) {
      this.readout.textContent = `pixel (${column}, ${row}): invalid`;
      delete this.readout.dataset.celsius;
    } else {
      this.readout.textContent = `pixel (${column}, ${row}): ${t.toFixed(2)} °C`;
      this.readout.dataset.celsius = String(t);
    }
  }
}
