"""Plain-PyTorch decoder models used to capture FlowSim demo traces.

Everything here is written by hand (no transformers, no downloads): token embedding, RMSNorm,
rotary position embedding, grouped-query attention with a KV cache (through
torch.nn.functional.scaled_dot_product_attention when the installed torch has it), a SwiGLU MLP,
a mixture-of-experts block (router, top-k, per-expert matmuls), the lm_head and sampling.
Weights are random (normal, std 0.02); nothing is trained or loaded.

Works with torch 1.13 (CPU dry runs) up to torch 2.x with CUDA. Features newer than 1.13 are
used only behind explicit capability checks, recorded in `capabilities()`.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def _torch_version_tuple():
    base = torch.__version__.split("+")[0]
    parts = []
    for p in base.split(".")[:2]:
        digits = ""
        for ch in p:
            if ch.isdigit():
                digits += ch
            else:
                break
        parts.append(int(digits) if digits else 0)
    while len(parts) < 2:
        parts.append(0)
    return tuple(parts)


TORCH_VERSION = _torch_version_tuple()
HAS_SDPA = hasattr(F, "scaled_dot_product_attention")          # torch >= 2.0
HAS_SDPA_GQA = HAS_SDPA and TORCH_VERSION >= (2, 5)             # enable_gqa= added in 2.5
HAS_RMS_NORM = hasattr(F, "rms_norm")                           # torch >= 2.4


def capabilities():
    return {
        "torch_version": torch.__version__,
        "has_scaled_dot_product_attention": HAS_SDPA,
        "sdpa_enable_gqa": HAS_SDPA_GQA,
        "has_functional_rms_norm": HAS_RMS_NORM,
    }


# --------------------------------------------------------------------------------------------
# Model configurations (shapes of the published models; layer count is cut per run)
# --------------------------------------------------------------------------------------------

LLAMA3_8B = {
    "name": "llama3-8b",
    "shaped_like": "meta-llama/Meta-Llama-3-8B (config.json shapes; random weights)",
    "hidden_size": 4096,
    "num_attention_heads": 32,
    "num_key_value_heads": 8,
    "head_dim": 128,
    "intermediate_size": 14336,
    "vocab_size": 128256,
    "rope_theta": 500000.0,
    "rms_norm_eps": 1e-5,
    "qk_norm": False,
    "num_hidden_layers_full_model": 32,
    "moe": None,
    "sampling": "topk",
}

QWEN3_30B_A3B = {
    "name": "qwen3-30b-a3b",
    "shaped_like": "Qwen/Qwen3-30B-A3B (config.json shapes; random weights)",
    "hidden_size": 2048,
    "num_attention_heads": 32,
    "num_key_value_heads": 4,
    "head_dim": 128,
    "intermediate_size": 6144,  # dense MLP size in the config; unused (every layer is MoE)
    "vocab_size": 151936,
    "rope_theta": 1000000.0,
    "rms_norm_eps": 1e-6,
    "qk_norm": True,
    "num_hidden_layers_full_model": 48,
    "moe": {
        "num_experts": 128,
        "num_experts_per_tok": 8,
        "moe_intermediate_size": 768,
        "norm_topk_prob": True,
    },
    "sampling": "greedy",
}

MODELS = {"llama3-8b": LLAMA3_8B, "qwen3-30b-a3b": QWEN3_30B_A3B}


def tiny_config(cfg):
    """Same structure (GQA ratio, qk-norm, expert count, top-k), tiny widths, for CPU dry runs."""
    t = dict(cfg)
    t["name"] = cfg["name"] + "-tiny"
    t["hidden_size"] = 64
    t["num_attention_heads"] = 4
    t["num_key_value_heads"] = 2 if cfg["num_key_value_heads"] * 4 >= cfg["num_attention_heads"] else 1
    t["head_dim"] = 16
    t["intermediate_size"] = 128
    t["vocab_size"] = 512
    if cfg["moe"] is not None:
        m = dict(cfg["moe"])
        m["moe_intermediate_size"] = 32
        t["moe"] = m
    return t


# --------------------------------------------------------------------------------------------
# Modules
# --------------------------------------------------------------------------------------------

class RMSNorm(nn.Module):
    def __init__(self, dim, eps, impl, device, dtype):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim, device=device, dtype=dtype))
        self.eps = eps
        self.dim = dim
        if impl == "auto":
            impl = "functional" if HAS_RMS_NORM else "manual"
        if impl == "functional" and not HAS_RMS_NORM:
            raise RuntimeError("--rmsnorm functional needs torch.nn.functional.rms_norm (torch >= 2.4)")
        self.impl = impl

    def forward(self, x):
        if self.impl == "functional":
            return F.rms_norm(x, (self.dim,), self.weight, self.eps)
        # HF-style eager RMSNorm: compute in fp32, cast back
        dtype = x.dtype
        xf = x.float()
        var = xf.pow(2).mean(-1, keepdim=True)
        xf = xf * torch.rsqrt(var + self.eps)
        return self.weight * xf.to(dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    x1 = x[..., :half]
    x2 = x[..., half:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rope(x, cos, sin):
    # x [B, H, T, D]; cos/sin [T, D]
    return x * cos + rotate_half(x) * sin


def attention(q, k, v, causal):
    """q [B,H,T,D]; k,v [B,Hkv,S,D]."""
    n_rep = q.shape[1] // k.shape[1]
    if HAS_SDPA_GQA:
        return F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=(n_rep > 1))
    if n_rep > 1:
        k = k.repeat_interleave(n_rep, dim=1)
        v = v.repeat_interleave(n_rep, dim=1)
    if HAS_SDPA:
        return F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    # math fallback for torch < 2.0 (CPU dry runs only)
    scale = 1.0 / math.sqrt(q.shape[-1])
    scores = torch.matmul(q.float(), k.float().transpose(-1, -2)) * scale
    if causal:
        t, s = scores.shape[-2], scores.shape[-1]
        mask = torch.ones(t, s, dtype=torch.bool, device=q.device).triu(1 + s - t)
        scores = scores.masked_fill(mask, float("-inf"))
    probs = torch.softmax(scores, dim=-1)
    return torch.matmul(probs, v.float()).to(q.dtype)


class Attention(nn.Module):
    def __init__(self, cfg, rmsnorm_impl, device, dtype):
        super().__init__()
        self.h = cfg["num_attention_heads"]
        self.hkv = cfg["num_key_value_heads"]
        self.d = cfg["head_dim"]
        hidden = cfg["hidden_size"]
        # fused QKV projection, as serving engines (sglang, vLLM) do
        self.qkv_proj = nn.Linear(hidden, (self.h + 2 * self.hkv) * self.d, bias=False,
                                  device=device, dtype=dtype)
        self.o_proj = nn.Linear(self.h * self.d, hidden, bias=False, device=device, dtype=dtype)
        if cfg["qk_norm"]:
            self.q_norm = RMSNorm(self.d, cfg["rms_norm_eps"], rmsnorm_impl, device, dtype)
            self.k_norm = RMSNorm(self.d, cfg["rms_norm_eps"], rmsnorm_impl, device, dtype)
        else:
            self.q_norm = None
            self.k_norm = None

    def forward(self, x, pos, cos, sin, k_cache, v_cache):
        b, t, _ = x.shape
        if t > 1 and pos != 0:
            raise ValueError("multi-token forward is only supported as a prefill from position 0")
        qkv = self.qkv_proj(x)
        q, k, v = qkv.split([self.h * self.d, self.hkv * self.d, self.hkv * self.d], dim=-1)
        q = q.view(b, t, self.h, self.d)
        k = k.view(b, t, self.hkv, self.d)
        v = v.view(b, t, self.hkv, self.d)
        if self.q_norm is not None:
            q = self.q_norm(q)
            k = self.k_norm(k)
        q = q.transpose(1, 2)
        k = k.transpose(1, 2)
        v = v.transpose(1, 2)
        c = cos[pos:pos + t]
        s = sin[pos:pos + t]
        q = apply_rope(q, c, s)
        k = apply_rope(k, c, s)
        # write the new keys/values into the preallocated cache, attend over the filled prefix
        k_cache[:, :, pos:pos + t] = k
        v_cache[:, :, pos:pos + t] = v
        keys = k_cache[:, :, :pos + t]
        values = v_cache[:, :, :pos + t]
        out = attention(q, keys, values, causal=(t > 1))
        out = out.transpose(1, 2).reshape(b, t, self.h * self.d)
        return self.o_proj(out)


class SwiGLUMLP(nn.Module):
    def __init__(self, hidden, inter, device, dtype):
        super().__init__()
        self.gate_up_proj = nn.Linear(hidden, 2 * inter, bias=False, device=device, dtype=dtype)
        self.down_proj = nn.Linear(inter, hidden, bias=False, device=device, dtype=dtype)

    def forward(self, x):
        gate, up = self.gate_up_proj(x).chunk(2, dim=-1)
        return self.down_proj(F.silu(gate) * up)


class MoEBlock(nn.Module):
    """Router (linear + softmax + top-k), tokens sorted by expert, one pair of matmuls per
    active expert, weighted scatter-add back. Expert weights are stacked [E, ...] tensors."""

    def __init__(self, hidden, moe, device, dtype):
        super().__init__()
        e = moe["num_experts"]
        inter = moe["moe_intermediate_size"]
        self.num_experts = e
        self.top_k = moe["num_experts_per_tok"]
        self.norm_topk_prob = moe["norm_topk_prob"]
        self.gate = nn.Linear(hidden, e, bias=False, device=device, dtype=dtype)
        self.w_gate_up = nn.Parameter(torch.empty(e, 2 * inter, hidden, device=device, dtype=dtype))
        self.w_down = nn.Parameter(torch.empty(e, hidden, inter, device=device, dtype=dtype))

    def forward(self, x):
        b, t, hidden = x.shape
        xf = x.reshape(-1, hidden)
        router_logits = self.gate(xf)
        probs = F.softmax(router_logits, dim=-1, dtype=torch.float)
        topk_w, topk_idx = torch.topk(probs, self.top_k, dim=-1)
        if self.norm_topk_prob:
            topk_w = topk_w / topk_w.sum(dim=-1, keepdim=True)
        topk_w = topk_w.to(x.dtype)
        flat_expert = topk_idx.reshape(-1)
        order = torch.argsort(flat_expert)
        token_idx = torch.div(order, self.top_k, rounding_mode="floor")
        # one device->host copy per layer, as eager HF / reference MoE code does
        counts = torch.bincount(flat_expert, minlength=self.num_experts).tolist()
        xs = xf.index_select(0, token_idx)
        outs = []
        start = 0
        for e, c in enumerate(counts):
            if c == 0:
                continue
            h = xs[start:start + c]
            gate, up = F.linear(h, self.w_gate_up[e]).chunk(2, dim=-1)
            outs.append(F.linear(F.silu(gate) * up, self.w_down[e]))
            start += c
        ys = torch.cat(outs, dim=0)
        ys = ys * topk_w.reshape(-1).index_select(0, order).unsqueeze(-1)
        out = torch.zeros_like(xf).index_add_(0, token_idx, ys)
        return out.view(b, t, hidden)


class DecoderLayer(nn.Module):
    def __init__(self, cfg, rmsnorm_impl, device, dtype):
        super().__init__()
        hidden = cfg["hidden_size"]
        eps = cfg["rms_norm_eps"]
        self.input_layernorm = RMSNorm(hidden, eps, rmsnorm_impl, device, dtype)
        self.self_attn = Attention(cfg, rmsnorm_impl, device, dtype)
        self.post_attention_layernorm = RMSNorm(hidden, eps, rmsnorm_impl, device, dtype)
        if cfg["moe"] is not None:
            self.mlp = MoEBlock(hidden, cfg["moe"], device, dtype)
        else:
            self.mlp = SwiGLUMLP(hidden, cfg["intermediate_size"], device, dtype)

    def forward(self, x, pos, cos, sin, k_cache, v_cache):
        h = x + self.self_attn(self.input_layernorm(x), pos, cos, sin, k_cache, v_cache)
        return h + self.mlp(self.post_attention_layernorm(h))


class DecoderModel(nn.Module):
    def __init__(self, cfg, num_layers, max_positions, rmsnorm_impl, device, dtype):
        super().__init__()
        self.cfg = cfg
        hidden = cfg["hidden_size"]
        self.embed_tokens = nn.Embedding(cfg["vocab_size"], hidden, device=device, dtype=dtype)
        self.layers = nn.ModuleList(
            [DecoderLayer(cfg, rmsnorm_impl, device, dtype) for _ in range(num_layers)])
        self.norm = RMSNorm(hidden, cfg["rms_norm_eps"], rmsnorm_impl, device, dtype)
        self.lm_head = nn.Linear(hidden, cfg["vocab_size"], bias=False, device=device, dtype=dtype)
        d = cfg["head_dim"]
        inv_freq = 1.0 / (cfg["rope_theta"] ** (
            torch.arange(0, d, 2, device=device, dtype=torch.float32) / d))
        tpos = torch.arange(max_positions, device=device, dtype=torch.float32)
        freqs = torch.outer(tpos, inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        self.register_buffer("cos", emb.cos().to(dtype), persistent=False)
        self.register_buffer("sin", emb.sin().to(dtype), persistent=False)
        self.rmsnorm_impl = self.norm.impl

    @torch.no_grad()
    def init_random(self, seed, std=0.02):
        torch.manual_seed(seed)
        for name, p in self.named_parameters():
            if name.endswith("norm.weight"):
                p.fill_(1.0)
            else:
                p.normal_(0.0, std)

    def forward(self, input_ids, pos, kv_cache):
        x = self.embed_tokens(input_ids)
        for i, layer in enumerate(self.layers):
            k_cache, v_cache = kv_cache[i]
            x = layer(x, pos, self.cos, self.sin, k_cache, v_cache)
        x = self.norm(x)
        # logits only for the last position of each sequence (what a server samples from)
        return self.lm_head(x[:, -1, :])


def new_kv_cache(cfg, num_layers, batch, max_len, device, dtype):
    shape = (batch, cfg["num_key_value_heads"], max_len, cfg["head_dim"])
    return [(torch.zeros(shape, device=device, dtype=dtype),
             torch.zeros(shape, device=device, dtype=dtype)) for _ in range(num_layers)]


def sample(logits, mode, top_k=50, temperature=0.7):
    if mode == "greedy":
        return torch.argmax(logits, dim=-1)
    if mode == "topk":
        scaled = logits.float() / temperature
        vals, idx = torch.topk(scaled, top_k, dim=-1)
        probs = torch.softmax(vals, dim=-1)
        choice = torch.multinomial(probs, 1)
        return idx.gather(-1, choice).squeeze(-1)
    raise ValueError("unknown sampling mode " + repr(mode))


def generate(model, kv_cache, prompt_ids, decode_steps, sampling, range_fn=None, step_hook=None):
    """Prefill `prompt_ids` [B, T] from position 0, then `decode_steps` single-token steps.

    range_fn(name) returns a context manager (torch.profiler.record_function or a null one).
    step_hook(name, phase) is called with phase 'begin'/'end' around each step (for timing).
    Returns the generated token ids [B, decode_steps + 1]."""
    import contextlib
    if range_fn is None:
        range_fn = lambda name: contextlib.nullcontext()  # noqa: E731
    t = prompt_ids.shape[1]
    produced = []
    with torch.no_grad():
        if step_hook:
            step_hook("prefill", "begin")
        with range_fn("prefill"):
            logits = model(prompt_ids, 0, kv_cache)
            tok = sample(logits, sampling)
        if step_hook:
            step_hook("prefill", "end")
        produced.append(tok)
        for i in range(decode_steps):
            name = "decode_step_%d" % i
            if step_hook:
                step_hook(name, "begin")
            with range_fn(name):
                logits = model(tok.unsqueeze(1), t + i, kv_cache)
                tok = sample(logits, sampling)
            if step_hook:
                step_hook(name, "end")
            produced.append(tok)
    return torch.stack(produced, dim=1)
