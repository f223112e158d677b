#!/usr/bin/python3
"""Random-weight CLIP towers in the real shapes, exported to ONNX as Kanjian model packages.

No model weights can be downloaded on our machines, but speed depends only on shapes and
operators, so these packages measure speed and never quality. Each package follows
main/core/embed/manifest-types.ts:

    <out>/<id>/manifest.json
    <out>/<id>/visual/model.onnx         fp32, fixed batch 1 (like Immich's exports)
    <out>/<id>/textual/model.onnx
    <out>/<id>/textual/tokenizer.json    generated, right vocab size, loads in @huggingface/tokenizers

plus visual/model.int8.onnx and textual/model.int8.onnx, dynamically quantised by
quantize_dynamic.py and named in the manifest as image.int8File / text.int8File.

A package whose files are all present and were built by the current version of these two
scripts is skipped; --force rebuilds it.

Packages:
  bench-vitb32-xlmr  open_clip "xlm-roberta-base-ViT-B-32" as Immich exports it: ViT-B/32 (GELU),
                     XLM-R-base text tower (mean pooling, MLP projection), int32 ids [1,77],
                     pad id 1 and the mask built in the graph, outputs L2-normalised in the graph.
  bench-vitb16-bert  Chinese-CLIP ViT-B/16 as its own ONNX export: OpenAI-style ViT-B/16
                     (QuickGELU), RoBERTa-wwm-ext-base-chinese (BERT-base, vocab 21128), int64 ids
                     [1,52], pad id 0, CLS pooling + linear projection, outputs NOT normalised.

Run with Debian's python3 (python3-torch, python3-onnx); see make-towers.sh.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
import time
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import quantize_dynamic  # noqa: E402

# torch 1.13's exporter warns about shape inference of constants it folds; the graphs are fine
# (onnx.checker and onnxruntime accept them) and the noise hides the useful output.
warnings.filterwarnings("ignore", category=UserWarning, module=r"torch\.onnx")

OPSET = 17  # LayerNormalization is a plain op from 17 on; onnxruntime 1.30 runs it natively.
OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]
WIDTH, LAYERS, HEADS, MLP_WIDTH, EMBED_DIM = 768, 12, 12, 3072, 512


# --------------------------------------------------------------------------------------------
# Towers


class QuickGELU(nn.Module):
    # OpenAI CLIP's activation, kept by Chinese-CLIP's vision tower.
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


def activation(kind: str) -> nn.Module:
    return QuickGELU() if kind == "quickgelu" else nn.GELU()


class SelfAttention(nn.Module):
    """Multi-head self-attention written out so the export is plain MatMul/Softmax.

    fused_qkv=True mirrors nn.MultiheadAttention's single in-projection (open_clip/OpenAI ViT);
    False mirrors Hugging Face BERT's separate query/key/value Linears.
    """

    def __init__(self, width: int, heads: int, fused_qkv: bool):
        super().__init__()
        self.heads, self.head_dim = heads, width // heads
        self.fused = fused_qkv
        if fused_qkv:
            self.qkv = nn.Linear(width, 3 * width)
        else:
            self.q, self.k, self.v = (nn.Linear(width, width) for _ in range(3))
        self.out = nn.Linear(width, width)

    def forward(self, x, add_mask=None):
        b, n, c = x.shape
        if self.fused:
            q, k, v = self.qkv(x).split(c, dim=-1)
        else:
            q, k, v = self.q(x), self.k(x), self.v(x)
        q, k, v = (t.reshape(b, n, self.heads, self.head_dim).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(self.head_dim))
        if add_mask is not None:
            att = att + add_mask
        att = att.softmax(dim=-1)
        return self.out((att @ v).transpose(1, 2).reshape(b, n, c))


class PreLNBlock(nn.Module):
    """CLIP ViT residual block: x + attn(ln(x)), x + mlp(ln(x))."""

    def __init__(self, act: str):
        super().__init__()
        self.ln_1 = nn.LayerNorm(WIDTH)
        self.attn = SelfAttention(WIDTH, HEADS, fused_qkv=True)
        self.ln_2 = nn.LayerNorm(WIDTH)
        self.mlp = nn.Sequential(nn.Linear(WIDTH, MLP_WIDTH), activation(act), nn.Linear(MLP_WIDTH, WIDTH))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class VisionTower(nn.Module):
    def __init__(self, patch: int, act: str, normalize: bool, size: int = 224):
        super().__init__()
        grid = size // patch
        s = WIDTH ** -0.5
        self.normalize = normalize
        self.conv1 = nn.Conv2d(3, WIDTH, kernel_size=patch, stride=patch, bias=False)
        self.class_embedding = nn.Parameter(s * torch.randn(WIDTH))
        self.positional_embedding = nn.Parameter(s * torch.randn(grid * grid + 1, WIDTH))
        self.ln_pre = nn.LayerNorm(WIDTH)
        self.blocks = nn.Sequential(*[PreLNBlock(act) for _ in range(LAYERS)])
        self.ln_post = nn.LayerNorm(WIDTH)
        self.proj = nn.Parameter(s * torch.randn(WIDTH, EMBED_DIM))

    def forward(self, image):
        x = self.conv1(image)  # [1, width, grid, grid]
        x = x.flatten(2).transpose(1, 2)  # [1, grid*grid, width]
        cls = self.class_embedding.reshape(1, 1, WIDTH).expand(x.shape[0], 1, WIDTH)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.blocks(self.ln_pre(x))
        x = self.ln_post(x[:, 0, :]) @ self.proj
        return F.normalize(x, dim=-1) if self.normalize else x


class PostLNLayer(nn.Module):
    """BERT/RoBERTa encoder layer: ln(x + attn(x)), ln(x + ffn(x))."""

    def __init__(self, eps: float):
        super().__init__()
        self.attn = SelfAttention(WIDTH, HEADS, fused_qkv=False)
        self.ln_1 = nn.LayerNorm(WIDTH, eps=eps)
        self.ffn = nn.Sequential(nn.Linear(WIDTH, MLP_WIDTH), nn.GELU(), nn.Linear(MLP_WIDTH, WIDTH))
        self.ln_2 = nn.LayerNorm(WIDTH, eps=eps)

    def forward(self, x, add_mask):
        x = self.ln_1(x + self.attn(x, add_mask))
        return self.ln_2(x + self.ffn(x))


class TextTower(nn.Module):
    def __init__(self, vocab: int, context: int, pad_id: int, roberta: bool, pooling: str, proj: str,
                 normalize: bool, max_positions: int, type_vocab: int, eps: float):
        super().__init__()
        self.pad_id, self.roberta, self.pooling, self.normalize = pad_id, roberta, pooling, normalize
        self.context = context
        self.word = nn.Embedding(vocab, WIDTH)
        self.position = nn.Embedding(max_positions, WIDTH)
        self.token_type = nn.Embedding(type_vocab, WIDTH)
        self.ln = nn.LayerNorm(WIDTH, eps=eps)
        self.layers = nn.ModuleList([PostLNLayer(eps) for _ in range(LAYERS)])
        if proj == "mlp":
            # open_clip hf_proj_type "mlp": width -> (width + out) / 2 -> out, no biases.
            hidden = (WIDTH + EMBED_DIM) // 2
            self.proj = nn.Sequential(nn.Linear(WIDTH, hidden, bias=False), nn.GELU(), nn.Linear(hidden, EMBED_DIM, bias=False))
        else:
            self.proj = nn.Linear(WIDTH, EMBED_DIM, bias=False)

    def forward(self, text):
        ids = text.long()
        keep = (ids != self.pad_id).long()  # the graph builds its own mask, as the real exports do
        if self.roberta:
            # RoBERTa numbers positions from padding_idx + 1 and gives padding the padding slot.
            positions = torch.cumsum(keep, dim=1) * keep + self.pad_id
        else:
            positions = torch.arange(self.context).unsqueeze(0)
        x = self.word(ids) + self.position(positions) + self.token_type.weight[0]
        x = self.ln(x)
        add_mask = (1.0 - keep.float()).reshape(ids.shape[0], 1, 1, -1) * -10000.0
        for layer in self.layers:
            x = layer(x, add_mask)
        if self.pooling == "mean":
            m = keep.float().unsqueeze(-1)
            x = (x * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)
        else:
            x = x[:, 0, :]
        x = self.proj(x)
        return F.normalize(x, dim=-1) if self.normalize else x


def init_random(module: nn.Module, seed: int) -> None:
    """BERT-style init (normal, std 0.02) so activations stay in a realistic range: the speed
    of float kernels can depend on denormals and saturation. Biases and LayerNorm parameters get
    small random values too: constant ones would be deduplicated by the exporter (Identity nodes
    sharing one initializer), which real exports do not have."""
    g = torch.Generator().manual_seed(seed)

    def rnd(shape, std):
        return torch.randn(shape, generator=g) * std

    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (nn.Linear, nn.Conv2d, nn.Embedding)):
                m.weight.copy_(rnd(m.weight.shape, 0.02))
                if getattr(m, "bias", None) is not None:
                    m.bias.copy_(rnd(m.bias.shape, 0.02))
            elif isinstance(m, nn.LayerNorm):
                m.weight.copy_(1.0 + rnd(m.weight.shape, 0.1))
                m.bias.copy_(rnd(m.bias.shape, 0.02))


# --------------------------------------------------------------------------------------------
# Tokenizers. Content is synthetic but the vocab size, special-token ids and pipeline match the
# real ones, so id ranges and sequence handling are as in the real models.

CJK = [chr(c) for c in range(0x4E00, 0x9FA6)]  # CJK Unified Ideographs, 20902 chars
ASCII = [chr(c) for c in range(0x21, 0x7F)]  # printable, no space
LETTERS = "abcdefghijklmnopqrstuvwxyz"
ALNUM = LETTERS + LETTERS.upper() + "0123456789"
# A few real words so common English queries get whole-word pieces rather than letters.
WORDS = """a an the of at in on by with and or to for from is are was be this that my our your
sunset sunrise beach sea ocean sky cloud clouds mountain mountains snow tree trees forest flower
flowers garden park city street road car cars bus train station airport plane bridge river lake
water boat house home room kitchen food dinner lunch breakfast cake coffee tea cat cats dog dogs
bird birds horse fish baby child children kid kids man woman people family friend friends party
birthday wedding night day morning evening summer winter spring autumn rain red blue green yellow
white black old new big small photo photos picture selfie portrait screenshot document receipt
menu sign text book phone computer museum temple church school office market shop restaurant
festival fireworks lantern lanterns christmas new year holiday travel trip hiking camping walk
playing running sitting standing eating smiling""".split()


def xlmr_tokenizer(vocab_size: int = 250002) -> dict:
    """Unigram + Metaspace, like XLM-R's sentencepiece tokenizer.json: <s>=0 <pad>=1 </s>=2
    <unk>=3 ... <mask>=vocab_size-1."""
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    pieces: list[list] = [[t, 0.0] for t in specials]
    seen = set(specials)

    def add(p: str, score: float) -> None:
        if p not in seen and len(pieces) < vocab_size - 1:
            seen.add(p)
            pieces.append([p, score])

    add("\u2581", -6.0)
    for w in WORDS:
        add("\u2581" + w, -7.0)
    for ch in ASCII + CJK:
        add(ch, -12.0)
        add("\u2581" + ch, -11.0)
    # Synthetic sub-words fill the rest of the vocab: letter pairs and triples, with and
    # without the word-start marker, then CJK bigrams of the first characters.
    for a in LETTERS:
        for b in LETTERS:
            add(a + b, -10.0)
            add("\u2581" + a + b, -9.5)
    for a in LETTERS:
        for b in LETTERS:
            for c in LETTERS:
                add(a + b + c, -9.0)
                add("\u2581" + a + b + c, -8.5)
    i = 0
    while len(pieces) < vocab_size - 1:
        a, b = CJK[i // 2000], CJK[i % 2000]
        add(a + b, -10.0)
        i += 1
    pieces.append(["<mask>", 0.0])
    assert len(pieces) == vocab_size

    added = [
        {"id": i, "content": t, "single_word": False, "lstrip": t == "<mask>", "rstrip": False,
         "normalized": False, "special": True}
        for i, t in [(0, "<s>"), (1, "<pad>"), (2, "</s>"), (3, "<unk>"), (vocab_size - 1, "<mask>")]
    ]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,  # the runtime pads to the context itself
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFKC"},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
        ]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "</s>", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "special_tokens": {
                "<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]},
                "</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]},
            },
        },
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": 3, "vocab": pieces, "byte_fallback": False},
    }


def bert_chinese_tokenizer(vocab_size: int = 21128) -> dict:
    """WordPiece + BertNormalizer/BertPreTokenizer, with the special-token ids of
    bert-base-chinese / RoBERTa-wwm-ext: [PAD]=0, [unused1..99], [UNK]=100, [CLS]=101, [SEP]=102,
    [MASK]=103."""
    vocab: dict[str, int] = {}

    def add(t: str) -> None:
        if t not in vocab and len(vocab) < vocab_size:
            vocab[t] = len(vocab)

    add("[PAD]")
    for i in range(1, 100):
        add(f"[unused{i}]")
    for t in ["[UNK]", "[CLS]", "[SEP]", "[MASK]", "<S>", "<T>"]:
        add(t)
    for ch in ASCII:
        add(ch)
    for w in WORDS:
        add(w)
    # The real vocab holds most common hanzi as single characters; without a frequency list
    # we take the first 17000 of the block (the rare tail becomes [UNK]). Tokens do not change
    # speed: the graph always runs the full context.
    for ch in CJK[:17000]:
        add(ch)
    for ch in ALNUM:
        add("##" + ch)
    for a in LETTERS:
        for b in LETTERS:
            add(a + b)
            add("##" + a + b)
    for a in LETTERS:
        for b in LETTERS:
            for c in LETTERS:
                add(a + b + c)
                add("##" + a + b + c)
    assert len(vocab) == vocab_size, len(vocab)

    added = [
        {"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    ]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [101], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [102], "tokens": ["[SEP]"]},
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }


# --------------------------------------------------------------------------------------------
# Packages


PACKAGES = {
    "bench-vitb32-xlmr": dict(
        name="XLM-R base + ViT-B/32 (random weights, speed only)",
        languages=["zh", "en"],
        vision=dict(patch=32, act="gelu", normalize=True),
        image_spec=dict(resize="shortest-crop", normalize=False),
        text=dict(vocab=250002, context=77, pad_id=1, roberta=True, pooling="mean", proj="mlp",
                  normalize=True, max_positions=514, type_vocab=1, eps=1e-5),
        ids_type="int32",
        tokenizer=xlmr_tokenizer,
        text_normalize=False,
        shape_of="immich-app/XLM-Roberta-Base-ViT-B-32__laion5b_s13b_b90k",
    ),
    "bench-vitb16-bert": dict(
        name="Chinese-CLIP BERT-base + ViT-B/16 (random weights, speed only)",
        languages=["zh", "en"],
        vision=dict(patch=16, act="quickgelu", normalize=False),
        image_spec=dict(resize="squash", normalize=True),
        text=dict(vocab=21128, context=52, pad_id=0, roberta=False, pooling="cls", proj="linear",
                  normalize=False, max_positions=512, type_vocab=2, eps=1e-12),
        ids_type="int64",
        tokenizer=bert_chinese_tokenizer,
        text_normalize=True,
        shape_of="OFA-Sys/chinese-clip-vit-base-patch16",
    ),
}


def export(model: nn.Module, example: torch.Tensor, input_name: str, path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    model.eval()
    tmp = path + ".tmp"
    with torch.no_grad():
        # No dynamic_axes: batch fixed at 1, as in Immich's exports.
        torch.onnx.export(model, (example,), tmp, input_names=[input_name], output_names=["embedding"],
                          opset_version=OPSET, do_constant_folding=True)
    os.replace(tmp, path)


def quantize_file(src: str, dst: str) -> dict:
    import onnx

    model = onnx.load(src)
    stats = quantize_dynamic.quantize(model)
    onnx.checker.check_model(model)
    onnx.save(model, dst + ".tmp")
    os.replace(dst + ".tmp", dst)
    return stats


def mb(path: str) -> float:
    return os.path.getsize(path) / 1e6


FILES = ["visual/model.onnx", "visual/model.int8.onnx", "textual/model.onnx", "textual/model.int8.onnx",
         "textual/tokenizer.json", "manifest.json"]


def scripts_hash() -> str:
    h = hashlib.sha256()
    here = os.path.dirname(os.path.abspath(__file__))
    for name in ["make_towers.py", "quantize_dynamic.py"]:
        with open(os.path.join(here, name), "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def is_built(root: str, stamp: str) -> bool:
    try:
        with open(os.path.join(root, ".build.json"), encoding="utf-8") as f:
            built = json.load(f)
    except (OSError, ValueError):
        return False
    return built.get("scripts") == stamp and all(os.path.isfile(os.path.join(root, p)) for p in FILES)


def build(pkg_id: str, out_root: str, seed: int, stamp: str) -> dict:
    spec = PACKAGES[pkg_id]
    root = os.path.join(out_root, pkg_id)
    # A half-built package must not look usable: the manifest goes last.
    for stale in ["manifest.json", ".build.json"]:
        if os.path.exists(os.path.join(root, stale)):
            os.remove(os.path.join(root, stale))
    times: dict[str, float] = {}

    t0 = time.time()
    vis = VisionTower(**spec["vision"])
    init_random(vis, seed)
    export(vis, torch.randn(1, 3, 224, 224), "image", os.path.join(root, "visual/model.onnx"))
    del vis
    times["visual export"] = time.time() - t0

    t0 = time.time()
    ts = spec["text"]
    txt = TextTower(**ts)
    init_random(txt, seed + 1)
    dtype = torch.int32 if spec["ids_type"] == "int32" else torch.int64
    example = torch.full((1, ts["context"]), ts["pad_id"], dtype=dtype)
    example[0, :5] = torch.tensor([5, 300, 400, 500, 6])
    export(txt, example, "text", os.path.join(root, "textual/model.onnx"))
    del txt
    times["textual export"] = time.time() - t0

    t0 = time.time()
    with open(os.path.join(root, "textual/tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(spec["tokenizer"](), f, ensure_ascii=False)
    times["tokenizer"] = time.time() - t0

    quantised = {}
    for tower in ["visual", "textual"]:
        t0 = time.time()
        quantised[tower] = quantize_file(os.path.join(root, tower, "model.onnx"), os.path.join(root, tower, "model.int8.onnx"))
        times[f"{tower} int8"] = time.time() - t0

    im = spec["image_spec"]
    manifest = {
        "id": pkg_id,
        "name": spec["name"],
        "fixture": True,
        "languages": spec["languages"],
        "embeddingDim": EMBED_DIM,
        "image": {
            "file": "visual/model.onnx",
            "int8File": "visual/model.int8.onnx",
            "input": {"name": "image", "type": "float32"},
            "output": "embedding",
            "size": 224,
            "resize": im["resize"],
            "interpolation": "bicubic",
            "mean": OPENAI_MEAN,
            "std": OPENAI_STD,
            "normalize": im["normalize"],
            "batch": 1,
        },
        "text": {
            "file": "textual/model.onnx",
            "int8File": "textual/model.int8.onnx",
            "tokenizer": "textual/tokenizer.json",
            "contextLength": ts["context"],
            "padId": ts["pad_id"],
            "ids": {"name": "text", "type": spec["ids_type"]},
            "output": "embedding",
            "normalize": spec["text_normalize"],
        },
        # Random weights have no meaningful score range; any value keeps the manifest valid.
        "search": {"minScore": 0.0},
        # No "source": it names a repo to download from, and these weights come from nowhere.
    }
    with open(os.path.join(root, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)
        f.write("\n")
    sizes = {p: round(mb(os.path.join(root, p)), 1) for p in FILES}
    with open(os.path.join(root, ".build.json"), "w", encoding="utf-8") as f:
        json.dump({"scripts": stamp, "shapeOf": spec["shape_of"], "seed": seed, "torch": torch.__version__, "opset": OPSET,
                   "seconds": {k: round(v, 1) for k, v in times.items()}, "sizesMB": sizes,
                   "quantised": quantised}, f, indent=2)
    for k, v in times.items():
        print(f"  {k:16s} {v:6.1f} s", flush=True)
    for p, size in sizes.items():
        print(f"  {p:26s} {size:8.1f} MB", flush=True)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=".cache/bench-models", help="output folder (default: %(default)s)")
    ap.add_argument("--only", action="append", choices=sorted(PACKAGES), help="build only this package (repeatable)")
    ap.add_argument("--force", action="store_true", help="rebuild packages that look up to date")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    stamp = scripts_hash()
    start = time.time()
    for pkg_id in args.only or sorted(PACKAGES):
        root = os.path.join(args.out, pkg_id)
        if not args.force and is_built(root, stamp):
            print(f"{pkg_id}: up to date in {root} (--force rebuilds)", flush=True)
            continue
        t0 = time.time()
        print(f"{pkg_id}: building in {root} ...", flush=True)
        build(pkg_id, args.out, args.seed, stamp)
        print(f"{pkg_id}: done in {time.time() - t0:.1f} s", flush=True)
    print(f"all packages ready in {time.time() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
