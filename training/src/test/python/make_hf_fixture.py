#!/usr/bin/env python3
"""Writes the Hugging Face parity fixture read by HfTransformersParityTest.

Run on a machine with torch and transformers installed (nothing is downloaded; no GPU needed):

    python training/src/test/python/make_hf_fixture.py

For each variant it builds a tiny random ``CLIPModel`` with the sizes of ``ClipConfig.tiny()``
(fixed seed), perturbs every parameter (so biases and LayerNorm parameters are not the trivial
HF init values), saves it with ``save_pretrained`` as safetensors, and records deterministic
pixel tensors, token id rows (with EOS and padding) and the L2-normalised embeddings that
transformers computes for them.

Variants:
  legacy-eos2  text ids of ClipConfig.tiny() (bos 1, eos 2, pad 0), quick_gelu. eos_token_id == 2
               makes transformers pool at argmax(input_ids) (its pre-PR-#24773 rule).
  first-eos    bos 1, eos 3, pad 3 (pad == eos), exact "gelu" in both towers: transformers pools at
               the first eos_token_id.

Output (per variant, under training/src/test/resources/hf-fixture/<variant>/):
  config.json, model.safetensors   from save_pretrained
  expected.json                    inputs and embeddings, float32 values written as JSON numbers
"""

import argparse
import json
import pathlib
import shutil

import torch
import transformers
from transformers import CLIPConfig, CLIPModel

SEED = 20240607

# ClipConfig.tiny(): text 99 vocab / 32 hidden / 64 MLP / 2 layers / 4 heads / 16 positions;
# vision 32 hidden / 64 MLP / 2 layers / 4 heads / 32 px images / 8 px patches; projection 24.
TEXT = dict(
    vocab_size=99,
    hidden_size=32,
    intermediate_size=64,
    num_hidden_layers=2,
    num_attention_heads=4,
    max_position_embeddings=16,
    layer_norm_eps=1e-5,
)
VISION = dict(
    hidden_size=32,
    intermediate_size=64,
    num_hidden_layers=2,
    num_attention_heads=4,
    image_size=32,
    patch_size=8,
    num_channels=3,
    layer_norm_eps=1e-5,
)
PROJECTION_DIM = 24

VARIANTS = {
    "legacy-eos2": dict(act="quick_gelu", bos=1, eos=2, pad=0, pooling="ARGMAX_IDS"),
    "first-eos": dict(act="gelu", bos=1, eos=3, pad=3, pooling="FIRST_EOS"),
}


def features(output, projection):
    """Projected features from get_*_features, whatever the transformers version.

    4.x returns the projected tensor; 5.x returns a BaseModelOutputWithPooling whose pooler_output
    holds the projected features. Should a version return the unprojected pooled state instead, its
    width (hidden size 32) differs from the projection width (24) and the projection is applied.
    The result is cross-checked against CLIPModel.forward by the caller either way.
    """
    if isinstance(output, torch.Tensor):
        return output
    pooled = output.pooler_output
    if pooled.shape[-1] != PROJECTION_DIM:
        pooled = projection(pooled)
    return pooled


def text_rows(gen, v, length, n, kind):
    """Token id rows of one length: BOS, ordinary ids, an end token, then padding/noise."""
    vocab = TEXT["vocab_size"]
    largest = vocab - 1
    special = {v["bos"], v["eos"], v["pad"], largest}
    ordinary = [i for i in range(vocab) if i not in special]
    rows = []
    for r in range(n):
        end_at = 1 + int(torch.randint(0, length - 1, (1,), generator=gen)) if length > 1 else 0
        row = [v["bos"]] if length > 1 else []
        while len(row) < end_at:
            row.append(ordinary[int(torch.randint(0, len(ordinary), (1,), generator=gen))])
        if kind == "clip_like":
            # the CLIP BPE layout: the end token is the largest id; eos_token_id follows it
            row.append(largest if v["eos"] == 2 else v["eos"])
        elif kind == "no_largest_id":
            row.append(v["eos"])
        else:
            raise ValueError(kind)
        while len(row) < length:
            k = int(torch.randint(0, 3, (1,), generator=gen))
            if k == 0:
                row.append(v["pad"])
            elif k == 1:
                row.append(v["eos"])
            else:
                row.append(ordinary[int(torch.randint(0, len(ordinary), (1,), generator=gen))])
        if kind == "no_largest_id":
            assert largest not in row
        rows.append(row[:length])
    return rows


def build(name, v, root):
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    text = dict(
        TEXT,
        hidden_act=v["act"],
        bos_token_id=v["bos"],
        eos_token_id=v["eos"],
        pad_token_id=v["pad"],
        projection_dim=PROJECTION_DIM,
    )
    vision = dict(VISION, hidden_act=v["act"], projection_dim=PROJECTION_DIM)
    config = CLIPConfig(
        text_config=text,
        vision_config=vision,
        projection_dim=PROJECTION_DIM,
        logit_scale_init_value=2.6592,
    )
    model = CLIPModel(config).eval()
    with torch.no_grad():
        for _, p in sorted(model.named_parameters()):
            p.add_(torch.randn(p.shape, generator=gen) * 0.05)

    out_dir = root / name
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    try:
        model.save_pretrained(out_dir, safe_serialization=True)
    except TypeError:  # transformers versions without the argument always write safetensors
        model.save_pretrained(out_dir)
    if not (out_dir / "model.safetensors").exists():
        raise SystemExit(f"{out_dir}: save_pretrained wrote no model.safetensors")

    pixels = torch.randn((3, 3, VISION["image_size"], VISION["image_size"]), generator=gen)
    batches = []
    for kind, length, n in [("clip_like", 16, 4), ("clip_like", 7, 3), ("no_largest_id", 11, 4)]:
        batches.append((kind, torch.tensor(text_rows(gen, v, length, n, kind), dtype=torch.long)))

    with torch.no_grad():
        image = features(model.get_image_features(pixel_values=pixels), model.visual_projection)
        image = image / image.norm(p=2, dim=-1, keepdim=True)
        texts = []
        for kind, ids in batches:
            t = features(model.get_text_features(input_ids=ids), model.text_projection)
            t = t / t.norm(p=2, dim=-1, keepdim=True)
            # cross-check against CLIPModel.forward, which normalises itself
            full = model(input_ids=ids, pixel_values=pixels)
            for what, mine, theirs in [("text", t, full.text_embeds), ("image", image, full.image_embeds)]:
                if mine.shape != theirs.shape or not torch.allclose(mine, theirs, atol=1e-6):
                    raise SystemExit(
                        f"get_{what}_features disagrees with CLIPModel.forward ({tuple(mine.shape)}"
                        f" vs {tuple(theirs.shape)}): check the transformers API"
                    )
            texts.append(
                dict(
                    kind=kind,
                    contains_largest_id=bool((ids == TEXT["vocab_size"] - 1).any(dim=1).all()),
                    input_ids=ids.tolist(),
                    text_embeds=t.float().tolist(),
                )
            )

    expected = dict(
        transformers_version=transformers.__version__,
        torch_version=torch.__version__,
        seed=SEED,
        text_pooling=v["pooling"],
        pixel_values=dict(shape=list(pixels.shape), data=pixels.flatten().float().tolist()),
        image_embeds=image.float().tolist(),
        texts=texts,
    )
    (out_dir / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print(f"wrote {out_dir}")


def main():
    default = pathlib.Path(__file__).resolve().parents[1] / "resources" / "hf-fixture"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=default)
    args = parser.parse_args()
    for name, v in VARIANTS.items():
        build(name, v, args.out)


if __name__ == "__main__":
    main()
