// Builds the dashboard into three files (index.html, app.js, app.css) that
// CMake embeds in the convsent binary. Usage: node build.mjs --out DIR
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const at = process.argv.indexOf('--out');
const out = at > 0 ? process.argv[at + 1] : join(here, 'dist');
await mkdir(out, { recursive: true });
await build({
  entryPoints: { app: join(here, 'src/app.js') },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  outdir: out,
  logLevel: 'warning',
});
await copyFile(join(here, 'src/index.html'), join(out, 'index.html'));
console.log(`dashboard built in ${out}`);
