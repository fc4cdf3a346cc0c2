"""Generate golden tokenizer fixtures from Hugging Face `tokenizers` (the reference implementation).

Run where `tokenizers` is installed (the GPU machine has it):
    python3 gen-golden.py --data DIR --out DIR
DIR (data) holds tokenizer.json, vocab.txt, zh-reviews.txt and the dev sets
(chnsenticorp.jsonl, lcqmc.jsonl, cluener.jsonl). Writes:
  golden.jsonl.gz        one case per line: inputs, options, and what HF produced (offsets in UTF-16 units)
  unicode-probe.json.gz  what HF's BertNormalizer / BertPreTokenizer do with every code point
"""
import argparse, gzip, json, multiprocessing as mp, os, sys

import tokenizers
from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors

MAX = 128


def utf16_prefix(text):
    pre = [0]
    for ch in text:
        pre.append(pre[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return pre


def to_utf16(offsets, seq_ids, texts):
    pres = [utf16_prefix(t) if t is not None else None for t in texts]
    out = []
    for (s, e), sid in zip(offsets, seq_ids):
        if sid is None:
            out.append([s, e])
        else:
            p = pres[sid]
            out.append([p[s], p[e]])
    return out


def record(kind, enc, text, pair=None, **extra):
    row = {
        "kind": kind,
        "text": text,
        "pair": pair,
        "ids": enc.ids,
        "type_ids": enc.type_ids,
        "tokens": enc.tokens,
        "attention_mask": enc.attention_mask,
    }
    if kind == "char":
        row["word_ids"] = enc.word_ids
    else:
        row["offsets"] = to_utf16(enc.offsets, enc.sequence_ids, [text, pair])
    row.update(extra)
    return row


EDGE = [
    "", " ", "\t\n\r ", "a", "Hello, World!", "HELLO world. Don't stop!!", "naïve café résumé Ångström",
    "ÀÉÎÕÜ àéîõü ñ ç ß ẞ ǅ ǈ ǋ", "İstanbul ΣΊΣΥΦΟΣ ὈΔΥΣΣΕΎΣ", "full-width：ＡＢＣ１２３！？（）", "ｈｅｌｌｏ　ｗｏｒｌｄ",
    "emoji 😀👍🏽🇨🇳 👨‍👩‍👧 🥰🫠", "CJK ext B 𠀀𠀁𪜀 ext A 㐀㐁 compat 豈更", "𫠝𬺰 ext C/D/E 𮯠 𰀀 ext G",
    "control\u0000nul\u0001\u0007bell\u007fdel\u0085nel", "zero\u200bwidth\u200c\u200djoiner\ufeffbom\u2060wj",
    "soft\u00adhyphen line\u2028sep para\u2029sep", "nbsp\u00a0thin\u2009ideo\u3000space", "replacement\ufffdchar",
    "private\ue000use\U000F0000", "a" * 99, "b" * 100, "c" * 101, "x" * 300 + " short",
    "supercalifragilisticexpialidocious antidisestablishmentarianism", "今天[SEP]天气[CLS]很好[MASK]",
    "[CLS][SEP]", "[cls] [Sep] [UNK]unk[PAD]", "[[SEP]]", "[MASK", "MASK]", "a[SEP]b",
    "中文English混合mixed文本text123数字456", "2012年9月入住，价格￥1,234.56元（约$200）",
    "Ｗｅｂｏ微博@用户#话题#http://t.cn/abc?x=1&y=2", "हिन्दी தமிழ் ไทย 한국어 日本語カタカナ ひらがな",
    "العربية עברית", "Ελληνικά Кириллица", "mañana ＭＡÑＡＮＡ", "e\u0301 a\u0300 o\u0302\u0323",
    "\u0301leading combining", "ﬁ ﬂ ﬃ ligatures Ⅻ ⅻ ① ㈱", "math 𝐀𝐁𝐂 𝕒𝕓𝕔", "¿¡«»„“”‘’‹›—–‐…·•",
    "tab\tseparated\tvalues", "multi\n\nline\r\ntext", "   leading and trailing   ", "a" + "\u0300" * 50,
    "ǆ ǅ Ǆ ﬀ ŉ ΐ", "Ⓐ Ⓑ ⓐ", "ㄅㄆㄇ ㄱㄴㄷ", "ｶﾀｶﾅ ﾊﾟ", "‼⁉", "☃★☆♠", "٠١٢٣ ۰۱۲", "𝟘𝟙𝟚",
    "U.S.A. e.g. i.e.", "don't won't can't I'm we've they're", "#hashtag @mention $money %percent ^caret",
    "email@example.com", "~`!@#$%^&*()_+-={}[]|\\:;\"'<>,.?/", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "꙰ Ꙭ", "ᄀᄁ ힰ",
]


def corpus_lines(path, n):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            out.append(line)
            if len(out) >= n:
                break
    return out


def jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def gen_cases(data):
    base = Tokenizer.from_file(os.path.join(data, "tokenizer.json"))
    rows = []
    corpus = corpus_lines(os.path.join(data, "zh-reviews.txt"), 6000)
    senti = jsonl(os.path.join(data, "chnsenticorp.jsonl"))
    lcqmc = jsonl(os.path.join(data, "lcqmc.jsonl"))
    cluener = jsonl(os.path.join(data, "cluener.jsonl"))

    # 1. The file as shipped: its own truncation (128, longest_first) and padding (batch longest) apply.
    for t in corpus:
        rows.append(record("single", base.encode(t), t, group="corpus"))
    for r in senti:
        rows.append(record("single", base.encode(r["text"]), r["text"], group="chnsenticorp"))
    for r in lcqmc:
        rows.append(record("pair", base.encode(r["text_a"], r["text_b"]), r["text_a"], r["text_b"], group="lcqmc"))
    for t in EDGE:
        rows.append(record("single", base.encode(t), t, group="edge"))
        rows.append(record("single", base.encode(t, add_special_tokens=False), t, group="edge", add_special_tokens=False))
    long_text = "".join(corpus[:400])  # tens of thousands of characters, truncated to 128
    rows.append(record("single", base.encode(long_text), long_text, group="long"))

    # 2. Truncation strategies on pairs, several lengths, both directions.
    pairs = [(lcqmc[i]["text_a"], lcqmc[i]["text_b"]) for i in range(0, 60)]
    pairs += [(corpus[i], corpus[i + 1]) for i in range(0, 80, 2)]
    pairs += [(EDGE[i], EDGE[i + 1]) for i in range(0, len(EDGE) - 1, 2)]
    for strategy in ("longest_first", "only_first", "only_second"):
        for direction in ("right", "left"):
            for max_length in (8, 13, 24, 64):
                tk = Tokenizer.from_file(os.path.join(data, "tokenizer.json"))
                tk.enable_truncation(max_length, strategy=strategy, direction=direction)
                for a, b in pairs:
                    try:
                        enc = tk.encode(a, b)
                    except Exception as exc:  # HF refuses when the target sequence is too short
                        rows.append({"kind": "pair", "text": a, "pair": b, "group": "truncation", "error": str(exc),
                                     "truncation": {"max_length": max_length, "strategy": strategy, "direction": direction}})
                        continue
                    rows.append(record("pair", enc, a, b, group="truncation",
                                       truncation={"max_length": max_length, "strategy": strategy, "direction": direction}))
                for t in corpus[100:120]:
                    if strategy == "only_second":
                        continue
                    rows.append(record("single", tk.encode(t), t, group="truncation",
                                       truncation={"max_length": max_length, "strategy": strategy, "direction": direction}))

    # 3. Character granularity (the cluener model): list(text) as pre-split words.
    for r in cluener:
        rows.append(record("char", base.encode(list(r["text"]), is_pretokenized=True), r["text"], group="cluener"))
    for t in EDGE:
        rows.append(record("char", base.encode(list(t), is_pretokenized=True), t, group="char-edge"))

    # 4. Padding in batches: batch longest (from the file), fixed, multiple of N, left side.
    batch = corpus[200:216] + EDGE[:8]
    variants = [
        {"name": "file"},
        {"name": "fixed-40", "padding": {"length": 40}},
        {"name": "multiple-8", "padding": {"pad_to_multiple_of": 8}},
        {"name": "left-multiple-16", "padding": {"direction": "left", "pad_to_multiple_of": 16}},
    ]
    for v in variants:
        tk = Tokenizer.from_file(os.path.join(data, "tokenizer.json"))
        if "padding" in v:
            tk.enable_padding(pad_id=0, pad_token="[PAD]", **v["padding"])
        encs = tk.encode_batch(batch)
        for t, e in zip(batch, encs):
            rows.append(record("single", e, t, group="padding", padding=v["name"]))
        encs = tk.encode_batch([(a, b) for a, b in pairs[:10]])
        for (a, b), e in zip(pairs[:10], encs):
            rows.append(record("pair", e, a, b, group="padding-pair", padding=v["name"]))

    # 5. TemplateProcessing and vocab.txt with non-default BERT options.
    tk = Tokenizer.from_file(os.path.join(data, "tokenizer.json"))
    tk.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] [MASK] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", 101), ("[SEP]", 102), ("[MASK]", 103)])
    template = json.loads(tk.to_str())["post_processor"]
    for a, b in pairs[:40]:
        rows.append(record("pair", tk.encode(a, b), a, b, group="template", post_processor=template))
    for t in corpus[300:320] + EDGE:
        rows.append(record("single", tk.encode(t), t, group="template", post_processor=template))

    from tokenizers import BertWordPieceTokenizer
    opts = [
        {"lowercase": True},
        {"lowercase": False},
        {"lowercase": False, "strip_accents": True},
        {"lowercase": True, "strip_accents": False},
        {"lowercase": True, "handle_chinese_chars": False},
        {"lowercase": True, "clean_text": False},
    ]
    for o in opts:
        tk = BertWordPieceTokenizer(os.path.join(data, "vocab.txt"), **o)
        for t in EDGE + corpus[500:530]:
            rows.append(record("single", tk.encode(t), t, group="vocab-txt", vocab_options=o))

    # 6. Added tokens: normalized ones (matched after lower-casing / CJK spacing) and raw ones with flags.
    from tokenizers import AddedToken
    tk = Tokenizer.from_file(os.path.join(data, "tokenizer.json"))
    tk.add_tokens([
        AddedToken("新词汇", normalized=True),
        AddedToken("Hello World", normalized=True),
        AddedToken("[NEW]", normalized=True),
        AddedToken("Café", normalized=True),
        AddedToken("<ent>", normalized=False, lstrip=True, rstrip=True),
        AddedToken("wordx", normalized=False, single_word=True),
        AddedToken("好", normalized=False),
    ])
    added = json.loads(tk.to_str())["added_tokens"]
    texts = [
        "我们学习新词汇，新 词 汇，新词", "HELLO WORLD and hello   world and Hello World!", "see [new] and [NEW] and [New]",
        "CAFÉ café cafe Cafe", "a <ent> b  <ent>c<ent>", "wordx awordx wordxs wordx.", "好好学习", "新词汇" * 3,
        "混合：Hello World新词汇<ent>好[NEW]", "", "   ",
    ] + corpus[700:720]
    for t in texts:
        rows.append(record("single", tk.encode(t), t, group="added", added_tokens=added))
        rows.append(record("char", tk.encode(list(t), is_pretokenized=True), t, group="added-char", added_tokens=added))
    for a, b in [(texts[0], texts[1]), (texts[8], texts[2])]:
        rows.append(record("pair", tk.encode(a, b), a, b, group="added", added_tokens=added))

    # 7. Decoding.
    for t in corpus[600:700] + EDGE:
        ids = base.encode(t).ids
        rows.append({"kind": "decode", "ids": ids, "group": "decode",
                     "skip_special": base.decode(ids, skip_special_tokens=True),
                     "keep_special": base.decode(ids, skip_special_tokens=False)})
    return rows


NORMS = None


def init_probe():
    global NORMS
    NORMS = {
        "clean": normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False),
        "chinese": normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=True, strip_accents=False, lowercase=False),
        "strip": normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False),
        "lower": normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=False, lowercase=True),
        "pre": pre_tokenizers.BertPreTokenizer(),
    }


def probe_range(bounds):
    lo, hi = bounds
    n = NORMS
    out = {"control": [], "clean_space": [], "chinese": [], "pre_space": [], "punct": [], "strip": {}, "lower": {}}
    for cp in range(lo, hi):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        c = n["clean"].normalize_str(ch)
        if c == "":
            out["control"].append(cp)
        elif c == " " and ch != " ":
            out["clean_space"].append(cp)
        if n["chinese"].normalize_str(ch) != ch:
            out["chinese"].append(cp)
        s = n["strip"].normalize_str(ch)
        if s != ch:
            out["strip"][cp] = s
        l = n["lower"].normalize_str(ch)
        if l != ch:
            out["lower"][cp] = l
        pieces = n["pre"].pre_tokenize_str("a" + ch + "a")
        if len(pieces) == 2:
            out["pre_space"].append(cp)
        elif len(pieces) == 3:
            out["punct"].append(cp)
    return out


def to_ranges(cps):
    cps = sorted(cps)
    ranges = []
    for cp in cps:
        if ranges and ranges[-1][1] == cp:
            ranges[-1][1] = cp + 1
        else:
            ranges.append([cp, cp + 1])
    return ranges


def probe():
    chunks = [(lo, min(lo + 0x4000, 0x110000)) for lo in range(0, 0x110000, 0x4000)]
    with mp.Pool(os.cpu_count(), initializer=init_probe) as pool:
        parts = pool.map(probe_range, chunks)
    merged = {"control": [], "clean_space": [], "chinese": [], "pre_space": [], "punct": [], "strip": {}, "lower": {}}
    for p in parts:
        for k, v in p.items():
            if isinstance(v, dict):
                merged[k].update(v)
            else:
                merged[k].extend(v)
    out = {k: (to_ranges(v) if isinstance(v, list) else {str(cp): s for cp, s in sorted(v.items())}) for k, v in merged.items()}
    out["tokenizers_version"] = tokenizers.__version__
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rows = gen_cases(args.data)
    with gzip.open(os.path.join(args.out, "golden.jsonl.gz"), "wt", encoding="utf-8") as f:
        f.write(json.dumps({"kind": "meta", "tokenizers_version": tokenizers.__version__, "cases": len(rows)}) + "\n")
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("cases", len(rows), file=sys.stderr)
    table = probe()
    with gzip.open(os.path.join(args.out, "unicode-probe.json.gz"), "wt", encoding="utf-8") as f:
        json.dump(table, f, ensure_ascii=False)
    print({k: len(v) for k, v in table.items() if not isinstance(v, str)}, file=sys.stderr)


if __name__ == "__main__":
    main()
