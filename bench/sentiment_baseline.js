// The baseline of bench/compare_sentiment.sh: the npm `sentiment` package
// (AFINN-165), scoring one message per line and printing a label per line,
// as `convsent score --format label` does.
const fs = require('fs');
const Sentiment = require('sentiment');
const sentiment = new Sentiment();
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n');
if (lines.length && lines[lines.length - 1] === '') lines.pop();
const out = [];
for (const line of lines) {
  const s = sentiment.analyze(line).score;
  out.push(s > 0 ? 'positive' : s < 0 ? 'negative' : 'neutral');
}
process.stdout.write(out.join('\n') + '\n');
