"""CLIP-format byte-level BPE learned from the caption vocabulary (vocab.json + merges.txt)."""
import json
import re

CONTEXT = 77
SOT = "<|startoftext|>"
EOT = "<|endoftext|>"


def bytes_to_unicode():
    """openai/CLIP's reversible byte -> printable unicode map."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


_BYTE_ENCODER = bytes_to_unicode()
_PAT = re.compile(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|[^\s\w]+", re.IGNORECASE)


def clean(text):
    return re.sub(r"\s+", " ", text).strip().lower()


def _word_symbols(word):
    chars = [_BYTE_ENCODER[b] for b in word.encode("utf-8")]
    return tuple(chars[:-1]) + (chars[-1] + "</w>",)


def learn_merges(words):
    """Greedy BPE over the caption words until every word is a single symbol (deterministic tie-break)."""
    vocab = {w: _word_symbols(w) for w in sorted(set(words))}
    merges = []
    while True:
        counts = {}
        for syms in vocab.values():
            for pair in zip(syms, syms[1:]):
                counts[pair] = counts.get(pair, 0) + 1
        if not counts:
            return merges
        best = min(counts, key=lambda p: (-counts[p], p))
        merges.append(best)
        for w, syms in vocab.items():
            out, i = [], 0
            while i < len(syms):
                if i + 1 < len(syms) and (syms[i], syms[i + 1]) == best:
                    out.append(syms[i] + syms[i + 1])
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            vocab[w] = tuple(out)


class ClipTokenizer:
    """CLIP BPE tokenizer over a vocab/merges pair (the reference the C# tokenizer is checked against)."""

    def __init__(self, merges):
        base = list(_BYTE_ENCODER.values())
        tokens = base + [b + "</w>" for b in base] + ["".join(m) for m in merges] + [SOT, EOT]
        self.encoder = {t: i for i, t in enumerate(tokens)}
        self.merges = list(merges)
        self.ranks = {m: i for i, m in enumerate(self.merges)}
        self.sot, self.eot = self.encoder[SOT], self.encoder[EOT]

    @property
    def vocab_size(self):
        return len(self.encoder)

    def _bpe(self, word):
        syms = list(_word_symbols(word))
        while len(syms) > 1:
            pairs = [(self.ranks.get(p, 1 << 30), i) for i, p in enumerate(zip(syms, syms[1:]))]
            rank, i = min(pairs)
            if rank == 1 << 30:
                break
            first, second = syms[i], syms[i + 1]
            out, j = [], 0
            while j < len(syms):
                if j + 1 < len(syms) and syms[j] == first and syms[j + 1] == second:
                    out.append(first + second)
                    j += 2
                else:
                    out.append(syms[j])
                    j += 1
            syms = out
        return syms

    def encode(self, text):
        """Token ids: SOT, BPE tokens, EOT, padded with EOT to 77 (truncated keeping the final EOT)."""
        ids = [self.sot]
        for word in _PAT.findall(clean(text)):
            ids.extend(self.encoder[s] for s in self._bpe(word))
        ids = ids[:CONTEXT - 1] + [self.eot]
        return ids + [self.eot] * (CONTEXT - len(ids))

    def save(self, folder):
        with open(f"{folder}/vocab.json", "w", encoding="utf-8") as f:
            json.dump(self.encoder, f, ensure_ascii=False)
        with open(f"{folder}/merges.txt", "w", encoding="utf-8") as f:
            f.write("#version: 0.2\n")
            for a, b in self.merges:
                f.write(f"{a} {b}\n")
        config = {
            "tokenizer_class": "CLIPTokenizer", "model_max_length": CONTEXT, "bos_token": SOT,
            "eos_token": EOT, "unk_token": EOT, "pad_token": EOT, "do_lower_case": True,
            "add_prefix_space": False, "clean_up_tokenization_spaces": True,
        }
        with open(f"{folder}/tokenizer_config.json", "w", encoding="utf-8") as f:
            json.dump(config, f, indent=2)
        with open(f"{folder}/special_tokens_map.json", "w", encoding="utf-8") as f:
            json.dump({"bos_token": SOT, "eos_token": EOT, "unk_token": EOT, "pad_token": EOT}, f, indent=2)
