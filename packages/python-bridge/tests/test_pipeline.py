"""Pipeline and Tokenizer from Python give what samp run and the TypeScript packages give, for every task."""
import threading

import numpy as np
import pytest
from conftest import EXAMPLE_MODEL, SHARED, dev_lines, has_shared, samp_run

from samp import Pipeline, SampError, Tokenizer

REVIEWS = ["房间干净整洁，服务员态度很好", "等了一个小时还没上菜，服务太差了", "位置很方便", "屏幕有坏点"]


def test_classify_matches_samp_run(tmp_path):
    with Pipeline(EXAMPLE_MODEL, task="classify", device="cpu", precision="fp32", max_length=128) as p:
        got = p(REVIEWS)
        assert p("位置很方便") == got[2]
        assert p.labels == ["negative", "positive"] and p.plan == ["fp32"] * 4 and p.hidden_size == 256
    want = samp_run(tmp_path, EXAMPLE_MODEL, "classify", [{"text": t} for t in REVIEWS], "--device", "cpu", "--precision", "fp32", "--max-length", "128")
    assert got == want
    assert [r["label"] for r in got] == ["positive", "negative", "positive", "negative"]


def test_embed_and_encode_agree(tmp_path):
    with Pipeline(EXAMPLE_MODEL, task="embed", device="cpu") as p:
        records = p(REVIEWS)
        vectors = p.embed(REVIEWS)
        assert vectors.dtype == np.float32 and vectors.shape == (4, 256)
        assert p.embed(REVIEWS[0]).shape == (256,)
        np.testing.assert_allclose(vectors, np.array([r["embedding"] for r in records], dtype=np.float32), rtol=0, atol=1e-6)
        unit = p.embed(REVIEWS, normalize=True)
        np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1, atol=1e-5)
        with Tokenizer.from_model(EXAMPLE_MODEL) as tok:
            enc = tok.encode_batch(REVIEWS, return_tokens=True)
        assert enc.input_ids.dtype == np.int32 and enc.input_ids.shape == enc.attention_mask.shape
        assert enc.tokens[2] == ["[CLS]", "位", "置", "很", "方", "便", "[SEP]"]
        out = p.encode(enc.input_ids, enc.attention_mask, enc.token_type_ids)
        hidden = out["last_hidden_state"]
        assert hidden.shape == (4, enc.input_ids.shape[1], 256) and out["pooler_output"].shape == (4, 256)
        mask = enc.attention_mask[..., None].astype(np.float32)
        mean = (hidden * mask).sum(1) / mask.sum(1)
        np.testing.assert_allclose(mean, vectors, atol=1e-5)
    assert records == samp_run(tmp_path, EXAMPLE_MODEL, "embed", [{"text": t} for t in REVIEWS], "--device", "cpu")


def test_torch_tensors_in_and_out():
    torch = pytest.importorskip("torch")
    with Pipeline(EXAMPLE_MODEL, task="classify", device="cpu") as p:
        ids = torch.tensor([[2, 42, 3]], dtype=torch.int64)
        out = p.encode(ids, return_tensors="pt")
        assert isinstance(out["last_hidden_state"], torch.Tensor)


def test_requests_from_several_threads():
    with Pipeline(EXAMPLE_MODEL, task="classify", device="cpu") as p:
        want = p(REVIEWS)
        results, errors = [None] * 8, []

        def work(i):
            try:
                results[i] = p(REVIEWS)
            except Exception as e:  # noqa: BLE001 - collected for the assertion
                errors.append(e)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors and all(r == want for r in results)


def test_tokenizer_from_file_pairs_and_errors():
    with Tokenizer.from_file(EXAMPLE_MODEL / "tokenizer.json", max_length=6) as tok:
        enc = tok.encode_batch([("房间很干净", "服务很好")])
        assert enc.input_ids.shape == (1, 6) and enc.token_type_ids[0].tolist() == [0, 0, 0, 0, 1, 1]  # longest first: 2 + 1 tokens
        one = tok.encode("房间")
        assert one.input_ids.ndim == 1
        with pytest.raises(SampError) as e:
            tok.encode_batch([3])
        assert e.value.code == "SAMP_INVALID_ARGUMENT"


@has_shared
@pytest.mark.parametrize(
    "name,task,rows,options",
    [
        ("chnsenticorp", "classify", lambda: [{"text": r["text"]} for r in dev_lines("chnsenticorp", 200)], {}),
        ("lcqmc", "match", lambda: [{"text_a": r["text_a"], "text_b": r["text_b"]} for r in dev_lines("lcqmc", 200)], {}),
        ("cluener", "tag", lambda: [{"text": r["text"]} for r in dev_lines("cluener", 200)], {"granularity": "char"}),
        ("chnsenticorp", "embed", lambda: [{"text": r["text"]} for r in dev_lines("chnsenticorp", 40)], {"normalize": True}),
        ("lcqmc", "match", lambda: [{"text_a": r["text_a"], "text_b": r["text_b"]} for r in dev_lines("lcqmc", 40)], {"matching": "bi-encoder"}),
    ],
)
def test_every_task_matches_samp_run_on_the_shared_models(tmp_path, name, task, rows, options):
    rows = rows()
    cli = ["--device", "cpu", "--max-length", "128"]
    for k, v in options.items():
        cli += [f"--{k}"] if v is True else [f"--{k}", v]
    want = samp_run(tmp_path, SHARED / "models" / name, task, rows, *cli)
    with Pipeline(SHARED / "models" / name, task=task, device="cpu", max_length=128, **options) as p:
        inputs = [(r["text_a"], r["text_b"]) if task == "match" else r["text"] for r in rows]
        assert p(inputs) == want
