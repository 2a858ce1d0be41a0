// Live view of one device: subscribes to the server's Server-Sent Events stream (a snapshot of the session so far,
// then every message as the device sends it) and shows, per hand, the thermal image with its regions, the live
// rewarming curves per finger, the protocol state with timers, and the room and water readings with warnings.
// Messages only update state; one requestAnimationFrame loop paints the latest state, so a burst of frames costs
// one paint, and a hidden tab paints nothing.
import { ThermalImage } from './thermal-canvas.js';
import { LineChart } from './line-chart.js';
import { regionColours } from './palette.js';

const root = document.getElementById('live');
const template = document.getElementById('hand-template');
const handsHost = document.getElementById('hands');
const text = id => document.getElementById(id);

const state = {
  session: null,
  framesReceived: 0,
  hands: new Map(),          // hand → panel (image, chart, curves, latest regions)
  protocol: null,            // {state, elapsed, remaining, receivedAt}
  events: [],
  curvesDirty: false,
  lastFrameAt: null,
};

const regionOrder = ['D1', 'D2', 'D3', 'D4', 'D5', 'dorsum'];
// Curves keep at most this many points per region (20 min at 4 frames/s is 4800): beyond it the oldest half is
// thinned to every second point, so a long session stays drawable without dropping its shape.
const maxCurvePoints = 6000;

function panelFor(hand) {
  let panel = state.hands.get(hand);
  if (panel) return panel;
  const fragment = template.content.cloneNode(true);
  const article = fragment.querySelector('article');
  article.dataset.hand = hand;
  article.querySelector('.hand-name').textContent = hand === 'left' ? 'Left hand' : hand === 'right' ? 'Right hand' : hand;
  handsHost.appendChild(fragment);
  panel = {
    article,
    image: new ThermalImage(article.querySelector('.thermal-image'), article.querySelector('.colour-bar'), article.querySelector('.readout')),
    chart: new LineChart(article.querySelector('.curves'), { xLabel: 'session time (s)' }),
    curves: new Map(regionOrder.map(name => [name, []])),
    regionCells: article.querySelector('.region-temps'),
    lastT: null,
  };
  state.hands.set(hand, panel);
  return panel;
}

function resetSession() {
  for (const panel of state.hands.values()) {
    for (const name of regionOrder) panel.curves.set(name, []);
    panel.lastT = null;
  }
  state.events = [];
  state.curvesDirty = true;
  renderEvents();
}

function addCurvePoint(panel, name, t, celsius) {
  const curve = panel.curves.get(name);
  if (!curve) return;
  if (curve.length > 0 && t <= curve[curve.length - 1][0]) return;   // replayed or out-of-order frame
  curve.push([t, celsius]);
  if (curve.length > maxCurvePoints) {
    const half = Math.floor(curve.length / 2);
    const thinned = curve.slice(0, half).filter((_, i) => i % 2 === 0);
    panel.curves.set(name, thinned.concat(curve.slice(half)));
  }
}

function onFrame(message) {
  const p = message.payload;
  const panel = panelFor(p.hand ?? 'hand');
  if (!panel.image.show(p.temps, p.regions)) return;
  state.framesReceived++;
  root.dataset.framesReceived = String(state.framesReceived);
  state.lastFrameAt = performance.now();
  state.protocol = { state: p.state, elapsed: p.state_elapsed_s, remaining: p.state_remaining_s, t: p.t_s, receivedAt: performance.now() };
  for (const region of p.regions ?? []) {
    if (region.trusted && Number.isFinite(region.t_c)) addCurvePoint(panel, region.name, p.t_s, region.t_c);
  }
  panel.latestRegions = p.regions ?? [];
  state.curvesDirty = true;
}

function onHistory(history) {
  for (const [hand, regions] of Object.entries(history.hands ?? {})) {
    const panel = panelFor(hand);
    for (const [name, points] of Object.entries(regions)) {
      if (panel.curves.has(name)) panel.curves.set(name, points.slice());
    }
  }
  state.curvesDirty = true;
}

function onSessionStarted(message) {
  state.session = message;
  resetSession();
  const p = message.payload;
  text('session-id').textContent = message.session_id ?? '—';
  text('patient-ref').textContent = p.patient_ref ?? '—';
  const preset = p.preset ?? {};
  text('preset').textContent = preset.name
    ? `${preset.name}: ${preset.immersion_s ?? '?'} s in ${preset.water_c ?? '?'} °C water, ${preset.rewarming_s ?? '?'} s rewarming`
    : '—';
  text('session-outcome').textContent = 'running';
  root.dataset.sessionId = message.session_id ?? '';
}

function onEvent(message) {
  const p = message.payload;
  state.events.push({ t: p.t_s, type: p.type, hand: p.hand, detail: p.detail });
  renderEvents();
  state.curvesDirty = true;
}

function renderEvents() {
  const list = text('events');
  list.replaceChildren(...state.events.slice(-12).map(e => {
    const item = document.createElement('li');
    item.textContent = `${formatClock(e.t)}  ${e.type.replaceAll('_', ' ')}${e.hand ? ` (${e.hand})` : ''}${e.detail ? `: ${e.detail}` : ''}`;
    return item;
  }));
}

function onEnvironment(message) {
  const p = message.payload;
  text('room').textContent = formatCelsius(p.room_c);
  text('humidity').textContent = p.humidity_pct === null || p.humidity_pct === undefined ? '—' : `${p.humidity_pct.toFixed(0)} %`;
  text('water').textContent = formatCelsius(p.water_c);
  const target = state.session?.payload?.preset?.water_c;
  text('water-target').textContent = Number.isFinite(target) ? `(target ${target} °C)` : '';
  const warnings = text('warnings');
  const deviations = Array.isArray(p.deviations) ? p.deviations : [];
  warnings.replaceChildren(...deviations.map(d => {
    const item = document.createElement('li');
    item.textContent = d;
    return item;
  }));
  warnings.hidden = deviations.length === 0;
  text('environment').classList.toggle('deviation', deviations.length > 0);
}

function onStatus(message) {
  const p = message.payload;
  const parts = [];
  if (Number.isFinite(p.frame_age_s)) parts.push(`last sensor frame ${p.frame_age_s.toFixed(1)} s ago`);
  if (Number.isFinite(p.i2c_error_rate)) parts.push(`I2C errors ${(100 * p.i2c_error_rate).toFixed(2)} %`);
  if (Number.isFinite(p.queue_length)) parts.push(`${p.queue_length} messages queued on the device`);
  if (p.analysis_available === false) parts.push('analysis unavailable');
  text('device-status').textContent = parts.join(' · ') || '—';
  text('device-status').classList.toggle('deviation', (p.frame_age_s ?? 0) > 5 || p.analysis_available === false);
}

function onAnalysis(message) {
  const p = message.payload;
  const result = p.result;
  if (!result || !Array.isArray(result.rois)) return;
  const rows = result.rois.map(roi => {
    const row = document.createElement('tr');
    const cells = [roi.name, formatNumber(roi.baseline_c, 1), formatNumber(roi.min_c, 1), formatNumber(roi.t50_s, 0), formatNumber(roi.max_rate_c_per_min, 2)];
    for (const value of cells) {
      const cell = document.createElement('td');
      cell.textContent = value;
      row.appendChild(cell);
    }
    return row;
  });
  text('analysis-rows').replaceChildren(...rows);
  text('analysis-kind').textContent = `${p.final ? 'final' : 'provisional'} (${p.hand}), DDD mean ${formatNumber(result.ddd_c?.mean, 2)} °C`;
}

function onSessionEnded(message) {
  const p = message.payload;
  text('session-outcome').textContent = p.outcome + (p.reason ? `: ${p.reason}` : '');
  state.protocol = null;
}

// Paints only what changed since the last animation frame; curves at most twice a second (a chart of thousands of
// points is the costliest paint here and nobody reads a curve faster).
let lastCurvePaint = 0;
function paint(now) {
  for (const panel of state.hands.values()) {
    if (panel.image.draw()) renderRegionTemps(panel);
  }
  if (state.curvesDirty && now - lastCurvePaint > 500) {
    lastCurvePaint = now;
    state.curvesDirty = false;
    const markers = state.events.filter(e => e.type === 'challenge_start' || e.type === 'challenge_end')
      .map(e => ({ x: e.t, label: e.type === 'challenge_start' ? 'in water' : 'out' }));
    for (const panel of state.hands.values()) {
      panel.chart.setSeries(regionOrder.map(name => ({ name, colour: regionColours[name], points: panel.curves.get(name) })));
      panel.chart.setMarkers(markers);
      panel.chart.draw();
    }
  }
  renderTimers(now);
  requestAnimationFrame(paint);
}

function renderRegionTemps(panel) {
  const cells = (panel.latestRegions ?? []).map(r => {
    const item = document.createElement('li');
    item.style.borderColor = regionColours[r.name] ?? '#999';
    item.textContent = `${r.name}: ${Number.isFinite(r.t_c) ? r.t_c.toFixed(1) + ' °C' : '—'}${r.trusted ? '' : ` (${r.flag ?? 'untrusted'})`}`;
    item.classList.toggle('untrusted', !r.trusted);
    return item;
  });
  panel.regionCells.replaceChildren(...cells);
}

function renderTimers(now) {
  text('frames-received').textContent = String(state.framesReceived);
  const protocol = state.protocol;
  if (!protocol) { text('protocol-state').textContent = '—'; text('protocol-timer').textContent = ''; return; }
  // The device states its timers once per frame; between frames the page counts on with its own clock.
  const since = (now - protocol.receivedAt) / 1000;
  text('protocol-state').textContent = (protocol.state ?? '—').replaceAll('_', ' ');
  const elapsed = Number.isFinite(protocol.elapsed) ? `${formatClock(protocol.elapsed + since)} elapsed` : '';
  const remaining = Number.isFinite(protocol.remaining) ? ` · ${formatClock(Math.max(0, protocol.remaining - since))} left` : '';
  text('protocol-timer').textContent = elapsed + remaining;
  const stale = state.lastFrameAt !== null && now - state.lastFrameAt > 5000;
  text('stream-state').textContent = stale ? `no frame for ${((now - state.lastFrameAt) / 1000).toFixed(0)} s` : connection;
  text('stream-state').classList.toggle('deviation', stale || connection !== 'live');
}

function formatClock(seconds) {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function formatCelsius(value) { return Number.isFinite(value) ? `${value.toFixed(1)} °C` : '—'; }
function formatNumber(value, digits) { return Number.isFinite(value) ? value.toFixed(digits) : '—'; }

let connection = 'connecting';
const source = new EventSource(root.dataset.events);
source.onopen = () => { connection = 'live'; };
source.onerror = () => { connection = 'reconnecting'; };
const handlers = {
  session_started: onSessionStarted, frame: onFrame, event: onEvent, environment: onEnvironment,
  status: onStatus, analysis: onAnalysis, session_ended: onSessionEnded,
};
for (const [kind, handler] of Object.entries(handlers)) {
  source.addEventListener(kind, e => handler(JSON.parse(e.data)));
}
source.addEventListener('history', e => onHistory(JSON.parse(e.data)));
requestAnimationFrame(paint);
