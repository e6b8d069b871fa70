"""The worked example of docs/python.md: score a file of messages into a
DataFrame, store generated conversations, plot the share of negative
conversations per week, and look at the pockets behind the average.

Run from the repository root, after `pip install ./python` (or with
PYTHONPATH=build/python):  python3 docs/python/example.py
It writes docs/python/weekly-negative.png."""
import subprocess
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

import convsent

# 1. Messages in a file, scored into a DataFrame.
messages = pd.read_csv("data/sample/support_messages.tsv", sep="\t")
scored = convsent.score_frame(messages, text="text")
print(scored[["text", "label", "compound"]].head(8).to_string(index=False))
print("agreement with the file's labels:", (scored["label"] == messages["label"]).mean().round(3))

# 2. Conversations in a store (here 2,000 generated ones over 12 weeks).
work = Path(tempfile.mkdtemp())
subprocess.run(["build/convsent", "generate", "--conversations", "2000", "--days", "84", "--seed", "7",
                "-o", str(work / "conversations.jsonl")], check=True, capture_output=True)
store = convsent.Store(str(work / "support.db"))
print(store.ingest(str(work / "conversations.jsonl"))["conversations"], "conversations stored")

# 3. The share of negative conversations per week, with the band limits.
weeks = store.report_frame()
fig, ax = plt.subplots(figsize=(7, 3.2), dpi=110)
ax.plot(weeks["period"], 100 * weeks["share_negative"], marker="o", color="#b3261e", label="negative share")
for limit, name in [(10, "strong"), (20, "healthy"), (35, "strained")]:
    ax.axhline(limit, color="#999", linewidth=0.8, linestyle="--")
    ax.text(len(weeks) - 0.6, limit + 0.6, f"< {limit}%: {name}", fontsize=7, color="#666", ha="right")
ax.set_ylabel("% of conversations")
ax.set_title("Customers' tone per week (convsent, generated sample)")
ax.tick_params(axis="x", labelrotation=45, labelsize=7)
fig.tight_layout()
fig.savefig("docs/python/weekly-negative.png")
print(weeks[["period", "scored", "share_negative", "band"]].to_string(index=False))

# 4. The pockets: segments whose negative share is worse than the rest's,
# with the interval that says it is not chance.
report = store.report()
pockets = [s for s in report["segments"] if s["pocket"]]
for s in pockets:
    lo, hi = s["negative_interval"]
    print(f"{s['dimension']}={s['value']}: {100 * s['share']['negative']:.0f}% negative "
          f"(95% interval {100 * lo:.0f}-{100 * hi:.0f}%) over {s['scored']} conversations; "
          f"overall {100 * report['share']['negative']:.0f}%")
