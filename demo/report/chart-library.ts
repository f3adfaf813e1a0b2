import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The charting library the report inlines: uPlot (npm `uplot`, MIT). Why uPlot: one file of ~50 KB
 * minified with no dependencies (Chart.js is ~200 KB, ECharts ~1 MB, Plotly ~3.5 MB), made for
 * time series (thousands of points per chart drawn on a canvas in milliseconds, so 30+ charts open
 * at once), with draw hooks for our own marks (alarm points, truth spans), and maintained (regular
 * releases since 2019). Inlined into the page, which then opens offline.
 */
export interface ChartLibrary {
  name: string;
  version: string;
  /** The IIFE build: defines the global `uPlot`. */
  script: string;
  css: string;
}

const require = createRequire(import.meta.url);
let cached: ChartLibrary | undefined;

/** uPlot's minified IIFE build and stylesheet, read from node_modules (once). */
export function chartLibrary(): ChartLibrary {
  if (!cached) {
    const pkg = JSON.parse(readFileSync(require.resolve('uplot/package.json'), 'utf8')) as { version: string };
    const script = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8')
      // A source map comment would make an open DevTools ask the network for the map.
      .replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '');
    if (/<\/script/i.test(script)) throw new Error('uPlot build contains "</script": cannot inline it');
    cached = {
      name: 'uPlot',
      version: pkg.version,
      script,
      css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  }
  return cached;
}
