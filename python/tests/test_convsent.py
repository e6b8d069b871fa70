"""The Python package against the command line: the same numbers, the same
report, and no crash on bad input. Run by ctest (python_pytest) with the
module just built on PYTHONPATH, or after `pip install ./python`."""
import json
import os
import subprocess
from pathlib import Path

import pytest

import convsent

ROOT = Path(__file__).resolve().parents[2]
BINARY = str(Path(os.environ.get("CONVSENT_BINARY", str(ROOT / "build" / "convsent"))).resolve())
SHARED = Path(os.environ.get("CONVSENT_SHARED_DIR", str(ROOT.parent / "shared")))


def cli(*args):
    return subprocess.run([BINARY, *args], check=True, capture_output=True, text=True).stdout


def number(x, digits):
    """A number as the command line writes it (src/io/score_format.cc)."""
    text = f"{x:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def as_cli(s):
    return {
        "label": s.label,
        "p": {k: number(v, 4) for k, v in s.p.items()},
        "compound": number(s.compound, 4),
        "score5": number(s.score5, 3),
        "model": s.model,
        "language": s.language,
        "explain": [(t, number(w, 3)) for t, w in s.explain],
    }


def from_cli(line):
    j = json.loads(line, parse_float=str, parse_int=str)
    return {
        "label": j["label"],
        "p": j["p"],
        "compound": j["compound"],
        "score5": j["score5"],
        "model": j["model"],
        "language": j["language"],
        "explain": [(e["token"], e["weight"]) for e in j["explain"]],
    }


def test_scores_equal_the_command_lines_on_the_golden_texts():
    texts = (ROOT / "tests/golden/texts.txt").read_text(encoding="utf-8").splitlines()
    expected = (ROOT / "tests/golden/scores.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(texts) == len(expected) > 5
    for text, line in zip(texts, expected):
        assert as_cli(convsent.score(text, explain=2)) == from_cli(line), text
    many = convsent.score_many(texts, threads=3, explain=2)
    assert [as_cli(s) for s in many] == [from_cli(line) for line in expected]


def test_each_language_gets_its_model_or_the_one_given():
    s = convsent.score("Sigo esperando el reembolso, es una vergüenza")
    assert (s.language, s.label) == ("es", "negative")
    assert convsent.score("Sigo esperando el reembolso", lang="en").language == "en"
    assert convsent.score("ok").language == "und"
    assert [x.language for x in convsent.score_many(["Vielen Dank!", "thanks a lot for the help"], lang="de")] == ["de", "de"]
    with pytest.raises(ValueError, match="lang"):
        convsent.score("hola", lang="nl")


def test_threads_give_the_same_scores():
    texts = [f"order {i} arrived late and broken" if i % 3 else f"thanks {i}, all good" for i in range(500)]
    one = [(s.label, s.compound, s.explain) for s in convsent.score_many(texts)]
    four = [(s.label, s.compound, s.explain) for s in convsent.score_many(iter(texts), threads=4)]
    assert one == four


def test_bad_input_is_an_error_or_repaired_never_a_crash():
    with pytest.raises(TypeError, match="NoneType"):
        convsent.score(None)
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        convsent.score_many(["fine", 7])
    assert convsent.score(b"caf\xc3\xa9 is great").label == "positive"
    assert convsent.score(b"bad \xff\xfe bytes").invalid_utf8_bytes == 2
    assert convsent.score("lone \udcff surrogate").invalid_utf8_bytes > 0
    huge = convsent.score("terrible " * 200_000)
    assert huge.truncated and huge.label == "negative"
    assert convsent.score("").label == "neutral"
    with pytest.raises(ValueError, match="2 labels for 1 texts"):
        convsent.evaluate(["negative", "neutral"], ["x"])
    with pytest.raises(ValueError, match="'angry'"):
        convsent.evaluate(["angry"], ["x"])
    with pytest.raises(convsent.Error, match="/no/such/model"):
        convsent.Model.load("/no/such/model")
    with pytest.raises(ValueError):
        convsent.Model.embedded("tweets")


def test_models_and_evaluation():
    messages = convsent.Model.embedded()
    dialogue = convsent.Model.embedded("conversations")
    assert not messages.reads_context and dialogue.reads_context
    assert messages.info()["version"] == messages.version == json.loads(cli("model", "info", "--json"))["version"]
    assert convsent.score("great", model=dialogue).model == dialogue.version
    r = convsent.evaluate(["positive", "negative", "neutral"], ["I love it", "I hate it", "The meeting is at 3"])
    assert r["n"] == 3 and r["macro_f1"] == 1.0
    assert set(r["share_error"]["count"]) == {"negative", "neutral", "positive"}


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="../shared/data is absent")
def test_evaluate_file_equals_convsent_eval():
    for spec in [str(SHARED / "data/tweeteval/dev.tsv"), str(SHARED / "data/uss_multiwoz/conversations.jsonl") + "#dev"]:
        ours = convsent.evaluate_file(spec)
        theirs = json.loads(cli("eval", "--json", spec))["results"][0]
        assert ours["n"] == theirs["n"]
        assert ours["macro_f1"] == pytest.approx(theirs["macro_f1"], abs=1e-12), spec
        assert ours["model"] == theirs["model"]


def test_a_store_round_trip_gives_the_command_lines_report(tmp_path):
    sample = tmp_path / "g.jsonl"
    cli("generate", "--conversations", "120", "--seed", "3", "-o", str(sample))
    db = tmp_path / "s.db"
    store = convsent.Store(str(db))
    summary = store.ingest(str(sample))
    assert summary["conversations"] == 120 and summary["errors"] == []
    assert summary["model"] == convsent.Model.embedded("conversations").version
    # Conversations as dicts; a bad one is reported with its place and skipped.
    added = store.ingest([
        {"id": "py-1", "messages": [{"role": "customer", "text": "I was charged twice!!"},
                                    {"role": "agent", "text": "Sorry, refunded now."}]},
        {"id": "py-2", "messages": "not a list"},
    ])
    assert added["conversations"] == 1
    assert added["errors"][0]["line"] == 2 and "messages" in added["errors"][0]["message"]
    c = store.conversation("py-1")
    assert c["id"] == "py-1" and c["messages"][0]["score"]["label"] == "negative"
    assert store.conversation("nope") is None
    report = store.report()
    store.close()
    assert report == json.loads(cli("report", "--json", "--db", str(db)))
    store = convsent.Store(str(db))
    assert store.report(period="day", where={"channel": "chat"}) == json.loads(
        cli("report", "--json", "--db", str(db), "--period", "day", "--where", "channel=chat"))
    assert store.tree() == json.loads(cli("tree", "--json", "--no-alerts", "--db", str(db)))
    assert store.discover() == json.loads(cli("discover", "--json", "--db", str(db)))
    with pytest.raises(ValueError, match="period"):
        store.discover(period="month")
    with pytest.raises(convsent.Error, match="not a date"):
        store.report(from_="yesterday")
    store.close()
    with pytest.raises(convsent.Error, match="closed"):
        store.report()


def test_frames():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"id": [1, 2], "body": ["Thanks, that fixed it!", "Still waiting for my refund"]})
    out = convsent.score_frame(df, text="body", threads=2)
    assert list(out["label"]) == ["positive", "negative"]
    assert {"p_negative", "p_neutral", "p_positive", "compound", "score5", "explain"} <= set(out.columns)
    assert "label" not in df.columns, "the input frame is left as it was"
    with pytest.raises(KeyError):
        convsent.score_frame(df, text="text")


def test_pip_installs_it_offline_in_a_virtual_environment(tmp_path):
    """The contract of issue #25: pip install --no-build-isolation --no-index ./python
    in a venv made with --system-site-packages."""
    if not Path("/usr/bin/python3").exists():
        pytest.skip("no /usr/bin/python3")
    venv = tmp_path / "venv"
    made = subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(venv)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("python3-venv is not installed: " + made.stderr.decode()[-200:])
    env = dict(os.environ, CONVSENT_BUILD_DIR=str(Path(BINARY).parent))
    env.pop("PYTHONPATH", None)
    subprocess.run([str(venv / "bin/pip"), "install", "-q", "--no-build-isolation", "--no-index", str(ROOT / "python")],
                   check=True, env=env, cwd=tmp_path)
    out = subprocess.run([str(venv / "bin/python"), "-c",
                          "import convsent; s = convsent.score('Thanks, that fixed it!'); print(s.label, convsent.__file__)"],
                         check=True, capture_output=True, text=True, env=env, cwd=tmp_path).stdout.split()
    assert out[0] == "positive"
    assert out[1].startswith(str(venv)), "the installed package, not the build folder's"


@pytest.mark.skipif(not os.environ.get("CONVSENT_TEST_PG"), reason="CONVSENT_TEST_PG (a PostgreSQL URL) is not set")
def test_a_postgresql_store(tmp_path):
    admin = os.environ["CONVSENT_TEST_PG"]
    name = f"convsent_py_{os.getpid()}"
    base = admin.rsplit("/", 1)[0]
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    try:
        url = f"{base}/{name}"
        store = convsent.Store(url)
        sample = tmp_path / "g.jsonl"
        cli("generate", "--conversations", "60", "--seed", "5", "-o", str(sample))
        assert store.ingest(str(sample))["conversations"] == 60
        report = store.report()
        store.close()
        assert report == json.loads(cli("report", "--json", "--db", url))
    finally:
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)
