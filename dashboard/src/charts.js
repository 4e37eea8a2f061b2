import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

// Three uPlot time-series charts over the last 15 minutes, one point a second. Data are
// kept as columns and trimmed from the front, as uPlot takes them.
const WINDOW_POINTS = 15 * 60;

const SERIES = {
  traffic: [['requests', 'requests/s', '#1f5fbf'], ['events', 'events/s', '#b35900']],
  latency: [['p50_ms', 'p50', '#2e7d32'], ['p99_ms', 'p99', '#b00020']],
  load: [['sessions', 'open sessions', '#5e35b1'], ['connections', 'connections', '#00695c']],
};

export class Charts {
  constructor(elements) {
    this.columns = { t: [] };
    for (const series of Object.values(SERIES)) for (const [key] of series) this.columns[key] = [];
    this.plots = Object.entries(SERIES).map(([name, series]) => {
      const element = elements[name];
      const options = {
        width: this.widthOf(element), height: 180,
        series: [{}, ...series.map(([, label, stroke]) => ({ label, stroke, width: 2 }))],
        axes: [{}, { size: 50 }],
        legend: { live: false },
      };
      return { element, series, plot: new uPlot(options, this.dataFor(series), element) };
    });
    window.addEventListener('resize', () => this.resize());
  }

  widthOf(element) {
    return Math.max(260, element.parentElement.clientWidth - 8);
  }

  dataFor(series) {
    return [this.columns.t, ...series.map(([key]) => this.columns[key])];
  }

  load(history) {
    for (const key of Object.keys(this.columns)) this.columns[key] = [...(history?.[key] ?? [])];
    this.redraw();
  }

  append(t, state) {
    const point = {
      t: t / 1000,
      requests: state.rates.requests, events: state.rates.events_delivered,
      p50_ms: state.latency.p50_ms, p99_ms: state.latency.p99_ms,
      sessions: state.sessions.open, connections: state.connections.open,
    };
    for (const [key, value] of Object.entries(point)) {
      const column = this.columns[key];
      if (!column) continue;
      column.push(value);
      if (column.length > WINDOW_POINTS) column.shift();
    }
    this.redraw();
  }

  redraw() {
    for (const { plot, series } of this.plots) plot.setData(this.dataFor(series));
  }

  resize() {
    for (const { plot, element } of this.plots) plot.setSize({ width: this.widthOf(element), height: 180 });
  }
}
