// How long the dashboard's views take to be readable in headless Chromium
// against a running convsent serve (for bench/RESULTS.md).
// node bench/dashboard_load.mjs --url http://127.0.0.1:8080 --key KEY [--runs 3]
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '../web/package.json'));
const { chromium } = require('playwright-core');
const arg = (n, d) => (process.argv.indexOf(n) > 0 ? process.argv[process.argv.indexOf(n) + 1] : d);
const url = arg('--url', 'http://127.0.0.1:8080');
const key = arg('--key', '');
const runs = Number(arg('--runs', '3'));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
await page.goto(url + '/');
await page.getByLabel('API key').fill(key);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.getByTestId('band').waitFor({ timeout: 120000 });
const views = {
  overview: async () => { await page.goto(`${url}/#overview`); await page.reload(); await page.locator('[data-testid=trend-chart] canvas').first().waitFor({ timeout: 120000 }); },
  segments: async () => { await page.goto(`${url}/#segments`); await page.reload(); await page.getByTestId('pockets').waitFor({ timeout: 120000 }); },
  tree: async () => { await page.goto(`${url}/#tree`); await page.reload(); await page.getByTestId('interventions').waitFor({ timeout: 120000 }); },
};
for (const [name, open] of Object.entries(views)) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await open();
    times.push((performance.now() - t0) / 1000);
  }
  console.log(`${name}: ${times.map((t) => t.toFixed(2)).join(' / ')} s until readable`);
}
await browser.close();
