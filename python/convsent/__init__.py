"""convsent: how customers feel in support conversations, for Python.

The same scores, store and report as the ``convsent`` command line, from
its C++ library (the GIL is released while it works)::

    import convsent
    convsent.score("I was charged twice and nobody answers").label   # 'negative'
    convsent.score_many(texts, threads=2)                             # a list of Score
    convsent.score_frame(df, text="text")                             # a DataFrame with the scores added

    store = convsent.Store("support.db")    # SQLite file, or a postgresql:// URL
    store.ingest("conversations.jsonl")
    store.report()                          # the dict of `convsent report --json`
    store.report_frame()                    # its period table as a DataFrame

Errors of the library (an unreadable file, a bad date, a corrupt model)
raise :class:`convsent.Error` with the message and the place; a wrong type
raises ``TypeError``. See docs/python.md.
"""

from ._convsent import Error, Model, Score, Store, evaluate, evaluate_file, score, score_many

__all__ = ["Error", "Model", "Score", "Store", "evaluate", "evaluate_file", "score", "score_many", "score_frame"]


def score_frame(df, text="text", threads=1, explain=3, model=None, lang="auto"):
    """Scores the column ``text`` of a pandas DataFrame.

    Returns a copy with the columns ``label``, ``p_negative``,
    ``p_neutral``, ``p_positive``, ``compound``, ``score5``, ``explain``
    (a list of (token, weight) pairs) and ``language`` added.
    """
    if text not in df.columns:
        raise KeyError(f"no column {text!r} in the DataFrame (columns: {list(df.columns)})")
    scores = score_many(df[text].tolist(), threads=threads, explain=explain, model=model, lang=lang)
    out = df.copy()
    out["label"] = [s.label for s in scores]
    for name in ("negative", "neutral", "positive"):
        out["p_" + name] = [s.p[name] for s in scores]
    out["compound"] = [s.compound for s in scores]
    out["score5"] = [s.score5 for s in scores]
    out["explain"] = [s.explain for s in scores]
    out["language"] = [s.language for s in scores]
    return out


def _report_frame(self, **filters):
    """The report's period table (``report()["trend"]["series"]``) as a
    DataFrame, one row per day or week, with the share of each class as
    ``share_negative``, ``share_neutral`` and ``share_positive``."""
    import pandas as pd

    rows = []
    for period in self.report(**filters)["trend"]["series"]:
        row = {k: v for k, v in period.items() if not isinstance(v, (dict, list))}
        for name, value in (period.get("share") or {}).items():
            row["share_" + name] = value
        rows.append(row)
    return pd.DataFrame(rows)


Store.report_frame = _report_frame
