// Session report and comparison charts. The server embeds the curves as JSON in the page
// (<script type="application/json" id="chart-data">), so the charts need no second request and print as shown.
//   report:  {charts: [{canvas: "id", series: [{name, region, points: [[s, °C], …]}]}]}
//   compare: the same shape; each series is one session's curve of one region, `session` picks its colour/dash.
import { LineChart } from './line-chart.js';
import { regionColours } from './palette.js';

const sessionColours = ['#333333', '#0b6bcb', '#d55e00', '#009e73', '#cc79a7', '#e69f00'];

const data = JSON.parse(document.getElementById('chart-data').textContent);
const charts = [];
for (const spec of data.charts ?? []) {
  const canvas = document.getElementById(spec.canvas);
  if (!canvas) continue;
  const chart = new LineChart(canvas, { xLabel: spec.xLabel ?? 'seconds after challenge end', xMin: 0 });
  chart.setSeries(spec.series.map(s => ({
    name: s.name,
    points: s.points,
    // Comparison series carry a session index (colour per session); report series are null there (colour per region).
    colour: Number.isInteger(s.session) ? sessionColours[s.session % sessionColours.length] : (regionColours[s.region] ?? '#000'),
    dashed: s.session === 0 && spec.series.some(o => o.session > 0),   // the reference (earlier) session dashed
  })));
  charts.push(chart);
}

function drawAll() { for (const chart of charts) chart.draw(); }
drawAll();
// Re-layout for paper: the printed page is narrower than the screen.
window.addEventListener('resize', drawAll);
window.addEventListener('beforeprint', drawAll);
window.addEventListener('afterprint', drawAll);
document.documentElement.dataset.chartsDrawn = String(charts.length);
document.querySelectorAll('[data-print]').forEach(button => button.addEventListener('click', () => window.print()));
