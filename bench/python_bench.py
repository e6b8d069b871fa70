"""The Python package's speed (issue #25): import time, score_many on
tweeteval's test texts against the C++ library on the same texts in the
same process run (convsent_bench's BM_Score, run just before), and against
VADER's Python loop (NLTK's port, with VADER's own lexicon from
../shared/data/lexicons) in this process.

Usage: PYTHONPATH=build/python /usr/bin/python3 bench/python_bench.py [BUILD_DIR]"""
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

build = Path(sys.argv[1] if len(sys.argv) > 1 else "build")
shared = Path("../shared/data")

t0 = time.perf_counter()
import convsent  # noqa: E402

import_ms = 1000 * (time.perf_counter() - t0)
texts = [line.split("\t", 1)[1] for line in (shared / "tweeteval/test.tsv").read_text(encoding="utf-8").splitlines()[1:]]


def best(fn, runs=7):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


convsent.score_many(texts[:100])  # load the model
results = {"texts": len(texts), "import_ms": round(import_ms, 1)}
for explain in (0, 3):
    out = subprocess.run([str(build / "convsent_bench"), f"--benchmark_filter=BM_Score/explain:{explain}$",
                          "--benchmark_min_time=0.5", "--benchmark_format=json"], check=True, capture_output=True,
                         text=True).stdout
    cpp_ms = json.loads(out)["benchmarks"][0]["real_time"]
    py_best, py_median = best(lambda: convsent.score_many(texts, explain=explain))
    results[f"explain_{explain}"] = {"cpp_ms": round(cpp_ms, 1), "python_ms": round(1000 * py_best, 1),
                                     "python_median_ms": round(1000 * py_median, 1),
                                     "share_of_cpp_speed": round(cpp_ms / (1000 * py_best), 3)}
try:
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    import tempfile

    # NLTK's loader wants every line to be "word<TAB>mean...": the shared
    # copy has a few that are not, so the bench reads a filtered copy.
    lexicon = Path(tempfile.mkdtemp()) / "vader_lexicon.txt"
    lines = (shared / "lexicons/vader_lexicon.txt").read_text(encoding="utf-8").splitlines()
    lexicon.write_text("\n".join(l for l in lines if len(l.strip().split("\t")) >= 2), encoding="utf-8")
    vader = SentimentIntensityAnalyzer(lexicon_file="file:" + str(lexicon))
    vader_s, _ = best(lambda: [vader.polarity_scores(t) for t in texts], runs=3)
    ours_s, _ = best(lambda: convsent.score_many(texts, explain=3))
    results["vader_nltk_ms"] = round(1000 * vader_s, 1)
    results["times_vader_speed"] = round(vader_s / ours_s, 1)
except ImportError:
    results["vader_nltk_ms"] = None
print(json.dumps(results, indent=2))
