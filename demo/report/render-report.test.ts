import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { renderReport } from './render-report.js';
import { sampleReportData } from './test-support/sample-report-data.js';

const require = createRequire(import.meta.url);

/** The text of the embedded JSON (script type="application/json"). */
function embeddedJson(html: string): string {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no report-data script');
  return m[1] as string;
}

describe('renderReport', () => {
  const data = sampleReportData();
  const html = renderReport(data);

  it('embeds the data as JSON that reads back unchanged', () => {
    expect(JSON.parse(embeddedJson(html)).data).toEqual(data);
  });

  it('inlines uPlot (script and stylesheet) and loads nothing from anywhere', () => {
    const lib = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8').trim();
    expect(html).toContain(lib.slice(0, 200));
    expect(html).toContain(lib.slice(-200));
    expect(html).toContain(readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8').slice(0, 100));
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).not.toMatch(/sourceMappingURL/);
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'`);
  });

  it('escapes the data: a device id with </script> neither closes a script nor adds markup', () => {
    expect(html.match(/<\/script>/g)).toHaveLength(3); // uPlot, the data, the drawing code
    expect(html).not.toContain('<b>c');
    expect(html).toContain('env-&#60;/script&#62;&#60;b&#62;c');
    expect(html).toContain('<title>Sample &#60;run&#62; &#38; &#34;report&#34;</title>');
  });

  it('has the detection table: a row per kind, the overall row, the false alarms', () => {
    const table = /<table class="score"[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    const rows = [
      ...table.matchAll(/<tr(?: class="overall")?><th scope="row">([^<]+)<\/th>((?:<td>[^<]*<\/td>)+)/g),
    ].map((m) => [m[1], ...[...(m[2] as string).matchAll(/<td>([^<]*)<\/td>/g)].map((c) => c[1])]);
    expect(rows).toEqual([
      ['LEVEL_SHIFT', '1', '1', '100.0 %', '1', '1'],
      ['MISSING', '1', '1', '100.0 %', '1', '1'],
      ['SPIKE', '1', '1', '100.0 %', '1', '1'],
      ['overall', '3', '3', '100.0 %', '3', '1'],
    ]);
    expect(html).toMatch(/<dt>false alarms<\/dt><dd><b>1<\/b> of 4 alarms \(SPIKE 1\)/);
    expect(html).toMatch(/<dt>false alarms per 100 device-hours<\/dt><dd><b>5\.56<\/b> over 18 device-hours/);
  });

  it('has a section per chosen device, the timeline and the drawing code', () => {
    expect(html.match(/<section class="device"/g)).toHaveLength(3);
    expect(html).toContain('<div id="timeline"></div>');
    expect(html).toContain("document.body.dataset.ready = report.errors.length === 0 ? 'true' : 'error'");
  });
});
