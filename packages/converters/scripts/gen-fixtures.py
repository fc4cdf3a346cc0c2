"""Checkpoint fixtures for @samp/converters, made with PyTorch itself.

Run where torch, transformers and safetensors are installed (the GPU machine):
    python3 packages/converters/scripts/gen-fixtures.py VOCAB_TXT OUT_DIR
Writes small random BERTs (2 layers, hidden 32, 4 heads, FFN 64, 64 positions, the first 300 lines of VOCAB_TXT)
in the formats users bring, each beside a reference safetensors file of the same tensors written by the
safetensors library (the bytes a conversion must reproduce):
- cls/: a BertForSequenceClassification as transformers saved it before safetensors (pytorch_model.bin in
  torch.save's zip format, config.json, vocab.txt), and logits.json: PyTorch fp32 logits for a few inputs;
- cls.ref.safetensors: its state dict;
- cls-legacy.bin: the same state dict in torch.save's legacy (pre-zip) format;
- cls-fp16.bin / cls-fp16.ref.safetensors, cls-bf16.bin / cls-bf16.ref.safetensors: half and bfloat16 copies;
- views.bin / views.ref.safetensors: tensors sharing one storage, a slice with a storage offset, a transposed
  (non-contiguous) tensor, int64 and bool tensors;
- uer-cls.bin + uer-config.json: the classifier under UER-py's names (segment embedding with the padding row 0
  that UER-py adds; pooler and classifier as output_layer_1 / output_layer_2); its HF form is cls.ref.safetensors;
- uer-tag.bin / uer-tag.ref.safetensors: a token classifier under UER-py's newer names (embedding.word.embedding,
  output_layer), and the HF state dict UER-py's conversion script makes from it.
"""
import json
import os
import sys
from collections import OrderedDict

import torch
from safetensors.torch import save_file
from transformers import BertConfig, BertForSequenceClassification, BertForTokenClassification


def config(vocab, labels):
    return BertConfig(vocab_size=vocab, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                      intermediate_size=64, max_position_embeddings=64, type_vocab_size=2, num_labels=labels)


def contiguous(sd):
    return OrderedDict((k, v.detach().clone().contiguous()) for k, v in sd.items())


def uer_names(sd, new_names):
    """HF BERT names to UER-py's (the inverse of UER-py's convert_bert_*_from_uer_to_huggingface scripts)."""
    emb = "embedding.{}.embedding.weight" if new_names else "embedding.{}_embedding.weight"
    parts = ("word", "pos", "seg") if new_names else ("word", "position", "segment")
    out = OrderedDict()
    out[emb.format(parts[0])] = sd["bert.embeddings.word_embeddings.weight"]
    out[emb.format(parts[1])] = sd["bert.embeddings.position_embeddings.weight"]
    tt = sd["bert.embeddings.token_type_embeddings.weight"]
    out[emb.format(parts[2])] = torch.cat([torch.randn(1, tt.shape[1]), tt])
    out["embedding.layer_norm.gamma"] = sd["bert.embeddings.LayerNorm.weight"]
    out["embedding.layer_norm.beta"] = sd["bert.embeddings.LayerNorm.bias"]
    i = 0
    while f"bert.encoder.layer.{i}.attention.self.query.weight" in sd:
        h, u = f"bert.encoder.layer.{i}.", f"encoder.transformer.{i}."
        for j, part in enumerate(("query", "key", "value")):
            for p in ("weight", "bias"):
                out[f"{u}self_attn.linear_layers.{j}.{p}"] = sd[f"{h}attention.self.{part}.{p}"]
        pairs = [("attention.output.dense", "self_attn.final_linear"), ("intermediate.dense", "feed_forward.linear_1"),
                 ("output.dense", "feed_forward.linear_2")]
        for hn, un in pairs:
            for p in ("weight", "bias"):
                out[f"{u}{un}.{p}"] = sd[f"{h}{hn}.{p}"]
        for hn, un in (("attention.output.LayerNorm", "layer_norm_1"), ("output.LayerNorm", "layer_norm_2")):
            out[f"{u}{un}.gamma"] = sd[f"{h}{hn}.weight"]
            out[f"{u}{un}.beta"] = sd[f"{h}{hn}.bias"]
        i += 1
    if "bert.pooler.dense.weight" in sd:
        out["output_layer_1.weight"] = sd["bert.pooler.dense.weight"]
        out["output_layer_1.bias"] = sd["bert.pooler.dense.bias"]
        out["output_layer_2.weight"] = sd["classifier.weight"]
        out["output_layer_2.bias"] = sd["classifier.bias"]
    else:
        out["output_layer.weight"] = sd["classifier.weight"]
        out["output_layer.bias"] = sd["classifier.bias"]
    return out


def main():
    vocab_path, out = sys.argv[1], sys.argv[2]
    os.makedirs(os.path.join(out, "cls"), exist_ok=True)
    torch.manual_seed(7)
    torch.set_grad_enabled(False)
    with open(vocab_path, encoding="utf-8") as f:
        vocab = [line.rstrip("\n") for line in f][:300]
    with open(os.path.join(out, "cls", "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")

    cls = BertForSequenceClassification(config(len(vocab), 3)).eval()
    for p in cls.parameters():  # random init's LayerNorms are 1 / 0; make every tensor carry information
        p.add_(torch.randn_like(p) * 0.05)
    cls.save_pretrained(os.path.join(out, "cls"))  # config.json as transformers writes it (architectures, dtype)
    os.remove(os.path.join(out, "cls", "model.safetensors"))
    sd = contiguous(cls.state_dict())
    torch.save(sd, os.path.join(out, "cls", "pytorch_model.bin"))  # what save_pretrained wrote before safetensors
    save_file(sd, os.path.join(out, "cls.ref.safetensors"))
    torch.save(sd, os.path.join(out, "cls-legacy.bin"), _use_new_zipfile_serialization=False)
    for name, dtype in (("fp16", torch.float16), ("bf16", torch.bfloat16)):
        low = OrderedDict((k, v.to(dtype) if v.is_floating_point() else v) for k, v in sd.items())
        torch.save(low, os.path.join(out, f"cls-{name}.bin"))
        save_file(low, os.path.join(out, f"cls-{name}.ref.safetensors"))

    ids = [[101, 120, 130, 140, 102, 0, 0, 0], [101, 150, 160, 170, 180, 190, 200, 102]]
    mask = [[1] * 5 + [0] * 3, [1] * 8]
    types = [[0] * 8, [0, 0, 0, 0, 1, 1, 1, 1]]
    logits = cls(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask), token_type_ids=torch.tensor(types)).logits
    with open(os.path.join(out, "cls", "logits.json"), "w") as f:
        json.dump({"input_ids": ids, "attention_mask": mask, "token_type_ids": types, "logits": logits.tolist()}, f)

    base = torch.randn(6, 4)
    views = OrderedDict([
        ("base", base), ("same", base), ("tail", base[2:]), ("transposed", base.t()), ("column", base[:, 1]),
        ("ids", torch.arange(5, dtype=torch.int64) * 3), ("flags", torch.tensor([True, False, True])),
        ("scalar", torch.tensor(2.5)), ("empty", torch.zeros(0, 3)),
    ])
    torch.save(views, os.path.join(out, "views.bin"))
    save_file(contiguous(views), os.path.join(out, "views.ref.safetensors"))

    uer = uer_names(sd, new_names=False)
    torch.save(uer, os.path.join(out, "uer-cls.bin"))
    with open(os.path.join(out, "uer-config.json"), "w") as f:
        json.dump({"emb_size": 32, "feedforward_size": 64, "hidden_size": 32, "hidden_act": "gelu", "heads_num": 4,
                   "layers_num": 2, "max_seq_length": 64, "dropout": 0.1, "data_processor": "bert",
                   "embedding": ["word", "pos", "seg"], "encoder": "transformer", "mask": "fully_visible",
                   "target": ["mlm", "sp"], "tie_weights": True}, f, indent=2)

    tag = BertForTokenClassification(config(len(vocab), 5)).eval()
    for p in tag.parameters():
        p.add_(torch.randn_like(p) * 0.05)
    tag_sd = contiguous(tag.state_dict())
    torch.save(uer_names(tag_sd, new_names=True), os.path.join(out, "uer-tag.bin"))
    save_file(tag_sd, os.path.join(out, "uer-tag.ref.safetensors"))
    for f in sorted(os.listdir(out)):
        print(f)


if __name__ == "__main__":
    main()
