"""Reference outputs of the shared BERT models from PyTorch / transformers in fp32, for samp's encoder and heads.

Run where torch, transformers and tokenizers are installed (the GPU machine):
    python3 packages/encoder/scripts/gen-fixtures.py MODELS_DIR DATA_DIR OUT_DIR [--count 100]
MODELS_DIR holds chnsenticorp/, lcqmc/, cluener/ (HF layout); DATA_DIR holds <name>.jsonl dev files.
Writes OUT_DIR/<name>.json.gz: for each of the first COUNT dev inputs its ids and token types (unpadded), the
logits, the pooled output (when the model has a pooler), the last hidden state at sampled positions (first,
middle and last token) for every input, the mean of the last hidden state over the tokens (a sentence
embedding), and the whole last hidden state of the first FULL inputs; for the token classifier also the entities
of the argmax tags (BIO, decoded here with the CLUENER rule) as UTF-16 offsets into the text. Float arrays are
base64 of little-endian float32. The reference runs on the CPU in fp32.
"""
import argparse
import base64
import gzip
import json
import os

import numpy as np
import torch
from tokenizers import Tokenizer
from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification

TASKS = {
    "chnsenticorp": ("text", None, "sequence"),
    "lcqmc": ("text_a", "text_b", "sequence"),
    "cluener": ("text", None, "token"),
}
FULL = 8
MAX_LEN = 128


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")


def bio_entities(tags):
    """(type, first, last) token spans: B-X starts an entity, I-X of the same type continues it, anything else
    closes it (a stray I-X starts nothing)."""
    spans, cur = [], None
    for i, tag in enumerate(tags):
        prefix, _, kind = tag.partition("-") if tag else ("", "", "")
        if prefix == "B":
            if cur:
                spans.append(cur)
            cur = [kind, i, i]
        elif prefix == "I" and cur and cur[0] == kind and cur[2] == i - 1:
            cur[2] = i
        else:
            if cur:
                spans.append(cur)
            cur = None
    if cur:
        spans.append(cur)
    return spans


def utf16(text, i):
    return len(text[:i].encode("utf-16-le")) // 2


def entities(model, tok_enc, logits, text):
    """Argmax tags of the real tokens (specials get none), to entities over the text's characters."""
    labels = model.config.id2label
    tags = [None if w is None else labels[int(k)] for w, k in zip(tok_enc.word_ids, logits.argmax(-1))]
    out = []
    for kind, first, last in bio_entities(tags):
        start, end = tok_enc.word_ids[first], tok_enc.word_ids[last] + 1  # char granularity: word = character
        out.append({"start": utf16(text, start), "end": utf16(text, end), "type": kind, "text": text[start:end]})
    return out


def encode(tok, name, row):
    key_a, key_b, _ = TASKS[name]
    if name == "cluener":
        enc = tok.encode(list(row[key_a]), is_pretokenized=True)
    elif key_b:
        enc = tok.encode(row[key_a], row[key_b])
    else:
        enc = tok.encode(row[key_a])
    return enc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("models")
    ap.add_argument("data")
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=100)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_grad_enabled(False)
    for name, (_, _, kind) in TASKS.items():
        mdir = os.path.join(args.models, name)
        tok = Tokenizer.from_file(os.path.join(mdir, "tokenizer.json"))
        tok.enable_truncation(MAX_LEN, strategy="longest_first")
        tok.no_padding()
        cls = AutoModelForSequenceClassification if kind == "sequence" else AutoModelForTokenClassification
        model = cls.from_pretrained(mdir, torch_dtype=torch.float32).eval()
        with open(os.path.join(args.data, f"{name}.jsonl"), encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()][: args.count]
        cases = []
        for i, row in enumerate(rows):
            enc = encode(tok, name, row)
            ids, types = enc.ids, enc.type_ids
            t_ids = torch.tensor([ids])
            out = model(input_ids=t_ids, token_type_ids=torch.tensor([types]),
                        attention_mask=torch.ones_like(t_ids), output_hidden_states=True)
            hidden = out.hidden_states[-1][0].numpy()
            n = len(ids)
            positions = sorted({0, n // 2, n - 1})
            case = {
                "ids": ids,
                "types": types,
                "logits": b64(out.logits[0].numpy()),
                "positions": positions,
                "hiddenAt": b64(hidden[positions]),
                "mean": b64(hidden.mean(axis=0)),
            }
            if kind == "token":
                case["entities"] = entities(model, enc, out.logits[0].numpy(), row["text"])
            bert = model.bert
            if bert.pooler is not None:
                case["pooled"] = b64(bert.pooler(out.hidden_states[-1])[0].numpy())
            if i < FULL:
                case["hidden"] = b64(hidden)
            cases.append(case)
        meta = {
            "model": name,
            "reference": f"torch {torch.__version__}, transformers (fp32, CPU)",
            "maxLength": MAX_LEN,
            "hiddenSize": model.config.hidden_size,
            "numLabels": model.config.num_labels,
            "cases": cases,
        }
        with gzip.open(os.path.join(args.out, f"{name}.json.gz"), "wt", encoding="utf-8") as f:
            json.dump(meta, f)
        print(name, len(cases), "cases")


if __name__ == "__main__":
    main()
