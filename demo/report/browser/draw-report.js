// Runs in the report page (demo/report/render-report.ts inlines it after uPlot): reads the embedded
// JSON, draws the timeline and every device field's chart with uPlot, shades the injected anomalies
// (ground truth) and marks the alarms. Says what it drew on window.__report and sets
// document.body.dataset.ready to 'true' (or 'error') once everything is drawn, for headless checks.
(() => {
  const { data, model } = JSON.parse(document.getElementById('report-data').textContent);
  const report = { charts: [], timeline: null, errors: [] };
  window.__report = report;

  const KIND_COLORS = {
    SPIKE: '#d62728',
    DIP: '#1f77b4',
    LEVEL_SHIFT: '#ff7f0e',
    STUCK: '#7f7f7f',
    MISSING: '#222222',
    MALFORMED: '#8c564b',
    DRIFT: '#9467bd',
    NOISE_BURST: '#17becf',
    OUT_OF_RANGE: '#bcbd22',
  };
  const SPARE = ['#e377c2', '#2ca02c', '#aec7e8', '#ffbb78', '#98df8a'];
  const kindColor = (kind) => {
    if (!KIND_COLORS[kind]) KIND_COLORS[kind] = SPARE[Object.keys(KIND_COLORS).length % SPARE.length];
    return KIND_COLORS[kind];
  };
  const withAlpha = (hex, a) =>
    `rgba(${Number.parseInt(hex.slice(1, 3), 16)},${Number.parseInt(hex.slice(3, 5), 16)},${Number.parseInt(hex.slice(5, 7), 16)},${a})`;
  const ALARM = '#e0001b';
  /** CSS px above a field chart's plot where the anomalies' names go. */
  const LABEL_STRIP = 24;
  const pad2 = (n) => String(n).padStart(2, '0');
  const utcText = (ts) => {
    const d = new Date(ts);
    return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}Z`;
  };
  // Timestamps are epoch ms (ms: 1) shown in UTC, like the truth file and the summary.
  const timeOpts = { ms: 1, tzDate: (ts) => uPlot.tzDate(new Date(ts), 'Etc/UTC') };
  const dayText = (ts) => utcText(ts).slice(0, 10);
  /** Time axis labels: 24-hour UTC clock (with seconds when the ticks are under a minute apart), the date under a day's first tick. */
  const timeAxis = {
    stroke: '#555',
    grid: { stroke: '#eee' },
    size: 44,
    values: (_u, splits) =>
      splits.map((ts, i) => {
        const clock = utcText(ts).slice(11, splits[1] - splits[0] < 60_000 ? 19 : 16);
        return i === 0 || dayText(ts) !== dayText(splits[i - 1]) ? `${clock}\n${dayText(ts)}` : clock;
      }),
  };

  /** [xs, ys] with a null inserted where readings stop for longer than 5 usual gaps (a MISSING shows as a hole). */
  function withGaps(points) {
    const xs = [];
    const ys = [];
    const gaps = [];
    for (let i = 1; i < points.length; i++) gaps.push(points[i][0] - points[i - 1][0]);
    const usual = gaps.length > 0 ? [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] : 0;
    points.forEach(([t, v], i) => {
      if (i > 0 && usual > 0 && t - points[i - 1][0] > 5 * usual) {
        xs.push((t + points[i - 1][0]) / 2);
        ys.push(null);
      }
      xs.push(t);
      ys.push(v);
    });
    return [xs, ys];
  }

  const chartWidth = (el) => Math.max(320, el.clientWidth);

  /** Shades each anomaly [startTs, endTs] (at least 3 px wide) with its kind's colour and name. */
  function drawTruth(u, truth) {
    const { ctx } = u;
    const { left, top, width, height } = u.bbox;
    const dpr = devicePixelRatio;
    const lastEnd = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
    let drawn = 0;
    const labelTop = top - LABEL_STRIP * dpr;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, labelTop, width, height + LABEL_STRIP * dpr);
    ctx.clip();
    ctx.font = `${10 * dpr}px system-ui, sans-serif`;
    ctx.textBaseline = 'top';
    for (const [startTs, endTs, kind] of truth) {
      if (endTs < u.scales.x.min || startTs > u.scales.x.max) continue;
      let x0 = u.valToPos(startTs, 'x', true);
      let x1 = u.valToPos(endTs, 'x', true);
      if (x1 - x0 < 3 * dpr) {
        const mid = (x0 + x1) / 2;
        x0 = mid - 1.5 * dpr;
        x1 = mid + 1.5 * dpr;
      }
      const color = kindColor(kind);
      ctx.fillStyle = withAlpha(color, 0.2);
      ctx.fillRect(x0, top, x1 - x0, height);
      ctx.fillStyle = color;
      ctx.fillRect(x0, top, x1 - x0, 3 * dpr);
      // Names in the strip above the plot, on two rows; a name that would overlap both rows is left
      // out (the colour still says it, and hovering names it).
      const row = x0 >= lastEnd[0] ? 0 : x0 >= lastEnd[1] ? 1 : -1;
      if (row >= 0) {
        const text = kind.toLowerCase().replace('_', ' ');
        ctx.fillText(text, x0, labelTop + (1 + row * 11) * dpr);
        lastEnd[row] = x0 + ctx.measureText(text).width + 6 * dpr;
      }
      drawn++;
    }
    ctx.restore();
    return drawn;
  }

  /** A red dot on the reading at each alarm's event time (at the top when the series is empty). */
  function drawAlarms(u, alarms) {
    const { ctx } = u;
    const { left, top, width, height } = u.bbox;
    const dpr = devicePixelRatio;
    let drawn = 0;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left - 6 * dpr, top - 6 * dpr, width + 12 * dpr, height + 12 * dpr);
    ctx.clip();
    for (const [ts, value] of alarms) {
      if (ts < u.scales.x.min || ts > u.scales.x.max) continue;
      const x = u.valToPos(ts, 'x', true);
      const y = value === null ? top + 6 * dpr : Math.min(top + height, Math.max(top, u.valToPos(value, 'y', true)));
      ctx.strokeStyle = withAlpha(ALARM, 0.35);
      ctx.lineWidth = dpr;
      ctx.beginPath();
      ctx.moveTo(x, top + height);
      ctx.lineTo(x, y);
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(x, y, 4.5 * dpr, 0, 2 * Math.PI);
      ctx.fillStyle = ALARM;
      ctx.fill();
      ctx.lineWidth = 1.5 * dpr;
      ctx.strokeStyle = '#fff';
      ctx.stroke();
      drawn++;
    }
    ctx.restore();
    return drawn;
  }

  /** What is under the cursor: the nearest reading, and the alarms and anomalies within 6 px of it. */
  function describeAt(u, chart, note) {
    const left = u.cursor.left;
    if (left == null || left < 0) {
      note.textContent = '';
      return;
    }
    const ts = u.posToVal(left, 'x');
    const slack = u.posToVal(left + 6, 'x') - ts;
    const i = u.cursor.idx;
    const reading =
      i == null || u.data[1][i] == null ? [] : [`${utcText(u.data[0][i])} ${chart.field} = ${u.data[1][i]}`];
    const near = [
      ...reading,
      ...chart.alarms.filter(([t]) => Math.abs(t - ts) <= slack).map(([t, , kind]) => `alarm ${kind} at ${utcText(t)}`),
      ...chart.truth
        .filter(([s, e]) => ts >= s - slack && ts <= e + slack)
        .map(([s, e, kind]) => `injected ${kind} ${utcText(s)}${e > s ? ` to ${utcText(e)}` : ''}`),
    ];
    note.textContent = near.join(' · ');
  }

  const plots = [];

  function fieldChart(el, device, chart) {
    const series = data.series[chart.series];
    const title = document.createElement('div');
    title.className = 'field';
    const name = document.createElement('b');
    name.textContent = chart.field;
    const count = document.createElement('span');
    count.textContent =
      series.points.length < series.rawPoints
        ? `${series.rawPoints} readings, ${series.points.length} drawn`
        : `${series.rawPoints} readings`;
    title.append(name, ' ', count);
    const box = document.createElement('div');
    box.className = 'chart';
    const note = document.createElement('div');
    note.className = 'note';
    el.append(title, box, note);
    const drawn = {
      deviceId: chart.deviceId,
      field: chart.field,
      points: series.points.length,
      alarmMarks: 0,
      truthSpans: 0,
      draws: 0,
    };
    report.charts.push(drawn);
    const u = new uPlot(
      {
        ...timeOpts,
        width: chartWidth(el),
        height: 170,
        padding: [LABEL_STRIP, 16, 0, 0],
        legend: { show: false }, // the note under the chart says what is under the cursor
        cursor: { sync: { key: device.deviceId }, drag: { x: true, y: false } },
        scales: { x: { time: true, min: model.span.startTs, max: model.span.endTs } },
        axes: [timeAxis, { stroke: '#555', grid: { stroke: '#eee' }, size: 60 }],
        series: [
          { label: 'time (UTC)', value: (_u, v) => (v == null ? '-' : utcText(v)) },
          { label: chart.field, stroke: '#2b6cb0', width: 1.25, points: { show: false } },
        ],
        hooks: {
          drawClear: [
            (p) => {
              drawn.truthSpans = drawTruth(p, chart.truth);
            },
          ],
          draw: [
            (p) => {
              drawn.alarmMarks = drawAlarms(p, chart.alarms);
              drawn.draws++;
            },
          ],
          setCursor: [(p) => describeAt(p, chart, note)],
        },
      },
      withGaps(series.points),
      box,
    );
    plots.push([u, el]);
  }

  function devices() {
    const root = document.getElementById('devices');
    for (const device of model.devices) {
      const section = root.querySelector(`section[data-device="${CSS.escape(device.deviceId)}"] .charts`);
      if (device.charts.length === 0) {
        section.textContent = 'No readings of this device in InfluxDB over the run.';
        continue;
      }
      for (const chart of device.charts) fieldChart(section, device, chart);
    }
  }

  function timeline() {
    const el = document.getElementById('timeline');
    const t = model.timeline;
    const sum = (xs) => xs.reduce((a, b) => a + b, 0);
    const drawn = {
      buckets: t.starts.length,
      bucketMs: t.bucketMs,
      alarms: sum(t.alarms),
      injected: sum(t.injected),
      draws: 0,
    };
    report.timeline = drawn;
    const end = t.starts[t.starts.length - 1] + t.bucketMs;
    const u = new uPlot(
      {
        ...timeOpts,
        width: chartWidth(el),
        height: 220,
        scales: {
          x: { time: true, min: t.starts[0], max: end },
          y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
        },
        axes: [
          timeAxis,
          {
            stroke: '#555',
            grid: { stroke: '#eee' },
            size: 50,
            incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
          },
        ],
        series: [
          {
            label: `bucket start (UTC, ${t.bucketMs / 60000} min buckets)`,
            value: (_u, v) => (v == null ? '-' : utcText(v)),
          },
          {
            label: 'alarms',
            stroke: ALARM,
            fill: withAlpha(ALARM, 0.35),
            paths: uPlot.paths.bars({ size: [0.9, Number.POSITIVE_INFINITY], align: 1 }),
            points: { show: false },
          },
          {
            label: 'injected anomalies',
            stroke: '#1a365d',
            fill: withAlpha('#1a365d', 0.75),
            paths: uPlot.paths.bars({ size: [0.4, Number.POSITIVE_INFINITY], align: 1 }),
            points: { show: false },
          },
        ],
        hooks: { draw: [() => drawn.draws++] },
      },
      [t.starts, t.alarms, t.injected],
      el,
    );
    plots.push([u, el]);
  }

  function legend() {
    const el = document.getElementById('kind-legend');
    for (const kind of model.kinds) {
      const chip = document.createElement('span');
      chip.className = 'chip';
      chip.style.setProperty('--kind', kindColor(kind));
      chip.textContent = kind;
      el.append(chip);
    }
  }

  function finish() {
    for (const c of report.charts) if (c.draws === 0) report.errors.push(`chart ${c.deviceId} ${c.field} not drawn`);
    if (!report.timeline || report.timeline.draws === 0) report.errors.push('timeline not drawn');
    for (const e of report.errors) console.error(e);
    document.body.dataset.ready = report.errors.length === 0 ? 'true' : 'error';
  }

  try {
    legend();
    timeline();
    devices();
    window.addEventListener('resize', () => {
      for (const [u, el] of plots) u.setSize({ width: chartWidth(el), height: u.height });
    });
    requestAnimationFrame(() => requestAnimationFrame(finish));
  } catch (e) {
    report.errors.push(String(e?.stack ?? e));
    console.error(e);
    document.body.dataset.ready = 'error';
  }
})();
