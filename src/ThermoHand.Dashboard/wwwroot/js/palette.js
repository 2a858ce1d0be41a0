// Perceptual colour palette for thermal images. Why this one: its lightness rises monotonically from cold to warm,
// so a cold fingertip always reads darker than a warm dorsum, also in grey-scale print and for colour-blind viewers
// (a rainbow palette invents edges where the hue jumps). Anchor colours sample the "inferno" map (CC0) at
// ninths; between anchors we interpolate linearly in RGB.
const anchors = [
  [0, 0, 4], [31, 12, 72], [85, 15, 109], [136, 34, 106], [186, 54, 85],
  [227, 89, 51], [249, 140, 10], [246, 197, 60], [252, 255, 164],
];

/** The palette as 256 RGB triplets (a lookup table, so colouring 768 pixels costs 768 array reads). */
export const paletteTable = (() => {
  const table = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const position = (i / 255) * (anchors.length - 1);
    const low = Math.min(Math.floor(position), anchors.length - 2);
    const fraction = position - low;
    for (let c = 0; c < 3; c++) {
      table[i * 3 + c] = Math.round(anchors[low][c] + (anchors[low + 1][c] - anchors[low][c]) * fraction);
    }
  }
  return table;
})();

/** Palette index (0–255) of a temperature within [min, max]; values outside are clamped to the ends. */
export function paletteIndex(celsius, min, max) {
  if (!(max > min)) return 128;
  const scaled = Math.round(((celsius - min) / (max - min)) * 255);
  return scaled < 0 ? 0 : scaled > 255 ? 255 : scaled;
}

/** CSS colour of a temperature, for legends and the colour bar. */
export function paletteCss(celsius, min, max) {
  const i = paletteIndex(celsius, min, max) * 3;
  return `rgb(${paletteTable[i]}, ${paletteTable[i + 1]}, ${paletteTable[i + 2]})`;
}

/**
 * Colour range for a frame: the valid pixels' extremes rounded outward to whole degrees. Why rounding with
 * hysteresis: a range that follows every frame's noise would make the whole image flicker; the range only moves
 * when a pixel leaves it or the scene shrinks by more than 2 °C.
 */
export function nextRange(temps, previous) {
  let min = Infinity;
  let max = -Infinity;
  for (const t of temps) {
    if (t === null || !Number.isFinite(t)) continue;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  if (min === Infinity) return previous ?? { min: 20, max: 35 };
  const wanted = { min: Math.floor(min), max: Math.ceil(max) };
  if (wanted.max - wanted.min < 4) wanted.max = wanted.min + 4;
  if (!previous) return wanted;
  const outside = min < previous.min || max > previous.max;
  const tooWide = wanted.min - previous.min > 2 || previous.max - wanted.max > 2;
  return outside || tooWide ? wanted : previous;
}

/** Okabe–Ito colours (distinguishable with colour-blindness) for D1–D5 and the dorsum, the same on every page. */
export const regionColours = {
  D1: '#E69F00', D2: '#56B4E9', D3: '#009E73', D4: '#CC79A7', D5: '#D55E00', dorsum: '#555555',
};
