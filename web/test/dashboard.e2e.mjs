// The dashboard as a person uses it, in headless Chromium (Debian's,
// driven by playwright-core): sign in, read the overview, filter by a
// segment, open the tree, claim and resolve a conversation that this test
// made sour through the API, arriving live in the queue, and label random
// audit items without seeing the model's scores, moving the estimate.
//
// node web/test/dashboard.e2e.mjs --binary build/convsent [--built ON]
//      [--screenshots DIR] [--docs]   (--docs also writes docs/dashboard-*.png)
// Exits 77 (skipped, with the reason) without Chromium, playwright-core or
// a built dashboard.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const binary = resolve(arg('--binary', join(here, '../../build/convsent')));
const shots = arg('--screenshots', join(tmpdir(), 'convsent-screenshots'));
const toDocs = process.argv.includes('--docs');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

function skip(why) {
  console.log(`SKIPPED: ${why}`);
  process.exit(77);
}
if (arg('--built', 'ON') !== 'ON') skip('the dashboard was not built (needs Node.js and npm at build time)');
if (!existsSync(chromiumPath)) skip(`no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM)`);
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  skip('playwright-core is not installed (npm ci in web/)');
}

const dir = mkdtempSync(join(tmpdir(), 'convsent-e2e-'));
const db = join(dir, 'c.db');
const run = (...args) => execFileSync(binary, args, { cwd: dir, encoding: 'utf8' });
const keyFor = (role) => run('keys', 'create', '--db', db, '--role', role, '--name', `e2e-${role}`).split('\n')[0].trim();

// A store of sample conversations with planted causes, an intervention, keys.
run('generate', '--conversations', '3000', '-o', join(dir, 'c.jsonl'));
run('ingest', '--db', db, join(dir, 'c.jsonl'));
const planted = JSON.parse(readFileSync(join(dir, 'c.jsonl.truth.json'), 'utf8'));
// The planted change of method, as the README's main job makes it: from
// that day on, scored again with the lite model.
const change = planted.planted.find((p) => p.cause === 'model_change');
run('rescore', '--db', db, '--model', join(here, '../../models/convsent-msg-lite.cvsm'), '--from', change.at);
const truth = planted.tree.intervention_that_worked;
run('intervention', 'add', '--db', db, '--node', truth.node, '--at', truth.at, '--owner', 'Billing lead', '--note', truth.note,
  ...Object.entries(truth.segment || {}).flatMap(([k, v]) => ['--segment', `${k}=${v}`]));
const keys = { viewer: keyFor('viewer'), reviewer: keyFor('reviewer'), ingest: keyFor('ingest') };
// Two conversations drawn at random, queued as audit items.
run('audit', 'sample', '--db', db, '--size', '2', '--seed', '3', '--queue', '-o', join(dir, 'audit.jsonl'));

// The server, on a free port.
// It scores with the lite model too, so the method change stays where it is.
const server = spawn(binary, ['serve', '--db', db, '--port', '0', '--model', join(here, '../../models/convsent-msg-lite.cvsm')], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/listening on (http:\/\/[^\s]+)/);
    if (m) resolve(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`convsent serve exited with ${code}`)));
  setTimeout(() => reject(new Error('convsent serve did not start in 20 s')), 20000);
});

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
mkdirSync(shots, { recursive: true });
const shot = async (page, name) => {
  const file = join(shots, `dashboard-${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  if (toDocs) copyFileSync(file, join(here, '../../docs', `dashboard-${name}.png`));
};
let failed = false;
const step = async (name, fn) => {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failed = true;
    console.log(`FAIL ${name}\n${e.stack || e}`);
    throw e;
  }
};

const signIn = async (page, key) => {
  await page.goto(base + '/');
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
};

try {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await step('a wrong key is refused with a message', async () => {
    await signIn(page, 'cs_not_a_key');
    await page.getByText('That key is unknown or revoked.').waitFor();
  });

  await step('a viewer signs in and reads the overview', async () => {
    await signIn(page, keys.viewer);
    const band = page.getByTestId('band');
    await band.waitFor();
    assert.match(await band.innerText(), /strong|healthy|strained|at risk/i);
    assert.match(await page.getByTestId('score').innerText(), /3,000 conversations/);
    await page.locator('[data-testid=trend-chart] canvas').first().waitFor();
    await page.locator('[data-testid=frt-chart] canvas').first().waitFor();
    assert.match(await page.getByTestId('drift').innerText(), /Drift toward neutral: (yes|no)/);
    // The sample changes model version mid-range: the trend marks it.
    assert.ok(await page.locator('.badge.method').count() >= 1, 'a method change is marked in the period table');
    // A viewer has no review queue.
    assert.equal(await page.getByRole('link', { name: 'Review queue' }).count(), 0);
    await page.waitForTimeout(300);
    await shot(page, 'overview');
  });

  let picked = '';
  await step('a click on a segment filters the other views', async () => {
    await page.getByRole('link', { name: 'Segments' }).click();
    await page.getByTestId('pockets').waitFor();
    const row = page.locator('tr.pocket').first();
    const any = (await row.count()) ? row : page.locator('tr.clickable').first();
    picked = await any.getAttribute('data-segment');
    await shot(page, 'segments');
    await any.click();
    const [key, value] = picked.split('=');
    await page.getByTestId('filter').waitFor();
    assert.equal((await page.getByTestId('filter').innerText()).replace('×', '').trim(), `${key} = ${value}`);
    await page.getByTestId('band').waitFor();
    const scored = await page.getByTestId('score').innerText();
    assert.doesNotMatch(scored, /3,000 conversations/, 'the overview is filtered');
    // The tree is filtered too.
    await page.getByRole('link', { name: 'Tree' }).click();
    await page.getByTestId('tree').waitFor();
    const filtered = await page.locator('.node.root > .figures').innerText();
    await page.getByRole('button', { name: 'clear the filter' }).click();
    await page.getByTestId('tree').waitFor();
    await page.waitForFunction((f) => document.querySelector('.node.root > .figures')?.innerText !== f, filtered);
  });

  await step('the tree shows numbers, movement, owners, alerts and interventions', async () => {
    const tree = page.getByTestId('tree');
    assert.match(await tree.innerText(), /Customer sentiment/);
    assert.match(await tree.innerText(), /Head of Support/);
    assert.ok(await page.locator('[data-node=billing_dispute]').count() === 1);
    assert.match(await page.locator('[data-node=billing_dispute] .figures').first().innerText(), /lift .* pts/);
    await page.getByTestId('alerts').waitFor();
    const interventions = await page.getByTestId('interventions').innerText();
    assert.match(interventions, /billing_dispute/);
    assert.match(interventions, /improved|no measurable change|worse|not enough data/);
    await shot(page, 'tree');
  });

  await step('the Emerging view names the planted issue, and an example opens its conversation', async () => {
    await page.getByRole('link', { name: 'Emerging' }).click();
    const section = page.getByTestId('emerging');
    await section.waitFor();
    const first = page.getByTestId('issue').first();
    await first.waitFor();
    const text = await first.innerText();
    const wanted = planted.emerging[0].phrases;
    assert.ok(wanted.some((p) => text.includes(`“${p}”`)), `the first issue names the planted phrases: ${text}`);
    assert.match(text, /no tree driver covers it/);
    assert.match(text, new RegExp(`${Object.keys(planted.emerging[0].segment)[0]} = ${Object.values(planted.emerging[0].segment)[0]}`));
    await page.getByTestId('drilldown').waitFor();
    await shot(page, 'emerging');
    await first.locator('.examples a').first().click();
    await page.getByTestId('conversation').waitFor();
    assert.match(await page.getByTestId('conversation').innerText(), /Android/);
    await page.getByRole('button', { name: /Back to the emerging issues/ }).click();
    await section.waitFor();
  });

  await step('a reviewer sees a conversation turn sour live, claims it and resolves it with a label', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, keys.reviewer);
    await page.getByRole('link', { name: 'Review queue' }).click();
    await page.getByTestId('live').filter({ hasText: 'live' }).waitFor();
    // Sour a conversation through the API, as a chat widget would.
    const id = `E2E-${Date.now()}`;
    const post = async (conversation, text) => {
      const res = await fetch(`${base}/v1/conversations/${conversation}/messages`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${keys.ingest}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ role: 'customer', author: 'u-e2e', at: new Date().toISOString(), text, conversation: { channel: 'chat', topic: 'orders' } }),
      });
      assert.equal(res.status < 300, true, `POST message: ${res.status}`);
    };
    await post(`${id}-other`, 'The app crashed again and I lost my whole order. Useless.');
    await post(id, 'Hi, my order has not arrived.');
    await post(id, 'This is absolutely terrible service, I want to cancel my account now!!');
    const item = page.locator(`.queue-item[data-conversation="${id}"]`);
    await item.waitFor({ timeout: 10000 });  // pushed by server-sent events, no reload
    await item.click();
    await page.getByTestId('trajectory').waitFor();
    assert.match(await page.getByTestId('conversation').innerText(), /I want to cancel my account/);
    assert.ok(await page.locator('.msg .explain .word').count() >= 1, 'the words that moved the score are shown');
    await page.getByRole('button', { name: 'Claim' }).click();
    await page.getByText(/Claimed item/).waitFor();
    await shot(page, 'queue');
    await page.getByLabel('label').selectOption('negative');
    await page.getByLabel('note').fill('called the customer back; refund issued');
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.getByText(/Resolved item/).waitFor();
    await item.waitFor({ state: 'detached' });
    const queue = await (await fetch(`${base}/v1/queue?status=resolved`, { headers: { Authorization: `Bearer ${keys.reviewer}` } })).json();
    const resolved = queue.items.find((i) => i.conversation === id);
    assert.ok(resolved, 'the item is resolved');
    assert.equal(resolved.label, 'negative');
    assert.equal(resolved.claimed_by, 'e2e-reviewer');
  });

  await step('a reviewer labels audit items blind, and the estimate appears', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByTestId('estimate').waitFor();
    assert.match(await page.getByTestId('estimate').innerText(), /Not checked by people yet/);
    await page.getByRole('link', { name: 'Review queue' }).click();
    // The audit view: the random draws alone.
    await page.getByLabel('kind').selectOption('audit');
    await page.getByTestId('audit-intro').filter({ hasText: '2 random audit items' }).waitFor();
    assert.equal(await page.locator('.queue-item').count(), 2, 'only the audit items');
    assert.equal(await page.locator('.queue-item.sev-audit').count(), 2);
    for (let k = 0; k < 2; ++k) {
      const item = page.locator('.queue-item.sev-audit').first();
      await item.waitFor();
      await item.click();
      await page.getByTestId('trajectory').filter({ hasText: 'A random audit' }).waitFor();
      assert.equal(await page.locator('.queue-detail .msg .score').count(), 0, 'no model score before the label');
      assert.equal(await page.locator('.queue-detail .msg .explain').count(), 0, 'no explanation before the label');
      assert.equal(await page.getByLabel('label').inputValue(), '', 'no label chosen for the reviewer');
      if (k === 0) await shot(page, 'audit');
      await page.getByLabel('label').selectOption(k === 0 ? 'negative' : 'neutral');
      await page.getByRole('button', { name: 'Resolve' }).click();
      await page.getByText(/Resolved item/).waitFor();
      // Resolved: now the model's scores show.
      await page.locator('.queue-detail .msg .score').first().waitFor();
    }
    await page.getByRole('link', { name: 'Overview' }).click();
    const estimate = page.getByTestId('estimate');
    await estimate.filter({ hasText: 'Checked by people' }).waitFor();
    assert.match(await estimate.innerText(), /2 conversations drawn at random and labelled/);
    const report = await (await fetch(`${base}/v1/report`, { headers: { Authorization: `Bearer ${keys.reviewer}` } })).json();
    assert.equal(report.estimate.labels, 2);
    assert.equal(report.method.audit_labels, 2);
  });

  await step('no script error on the page', async () => {
    assert.deepEqual(errors, []);
  });
} catch {
  failed = true;
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
console.log(failed ? 'dashboard e2e: FAILED' : `dashboard e2e: passed (screenshots in ${shots})`);
process.exit(failed ? 1 : 0);
