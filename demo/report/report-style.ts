/** The report page's own stylesheet (uPlot's comes with the library). */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1a202c; --muted: #5a6475; --line: #e2e8f0; --alarm: #e0001b; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f7f8fa; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 28px 60px; background: #fff; min-height: 100vh; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 0; }
p, li { color: var(--muted); }
.meta { color: var(--muted); margin: 0 0 2px; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; }
table.score { border-collapse: collapse; margin: 8px 0 12px; min-width: 640px; }
table.score th, table.score td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: right; font-variant-numeric: tabular-nums; }
table.score th[scope="row"], table.score thead th:first-child { text-align: left; }
table.score thead th { font-weight: 600; color: var(--muted); border-bottom: 2px solid var(--line); }
table.score tr.overall th, table.score tr.overall td { font-weight: 700; border-top: 2px solid var(--ink); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
ul.missed { columns: 2; font-size: 12.5px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; margin: 6px 0 14px; color: var(--muted); font-size: 13px; }
.chip { display: inline-flex; align-items: center; gap: 5px; }
.chip::before { content: ""; width: 14px; height: 12px; background: color-mix(in srgb, var(--kind) 25%, transparent); border-top: 3px solid var(--kind); }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; background: var(--alarm); border: 1.5px solid #fff; box-shadow: 0 0 0 1px var(--alarm); vertical-align: -1px; }
section.device { margin: 18px 0 26px; padding-top: 6px; border-top: 1px solid var(--line); }
section.device header { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: baseline; margin-bottom: 4px; }
.badge { font-size: 12px; padding: 1px 8px; border-radius: 10px; background: #edf2f7; color: var(--muted); }
.badge.most-alarms { background: #fde8ea; color: #9b1c2c; }
.badge.random { background: #e6f0fb; color: #1e4e8c; }
.field { margin-top: 10px; font-size: 13px; }
.field span { color: var(--muted); font-size: 12px; }
.chart { margin-top: 0; }
.note { min-height: 18px; font-size: 12px; color: var(--muted); }
.u-legend { font-size: 12px; text-align: left; }
.u-legend .u-marker { width: 10px; height: 10px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;
