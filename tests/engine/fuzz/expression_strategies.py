"""Hypothesis strategies for expression texts: well-formed ones built from a small grammar
(with hostile sizes, repetitions and calls), amplifiers (a value repeated by reference,
then printed, compared or searched: cheap to build, huge to walk), and raw character soup."""

from __future__ import annotations

from hypothesis import strategies as st

NAMES = ("amount", "customer", "items", "nested", "record", "quote", "run", "missing")

_ATOMS = st.one_of(
    st.integers(min_value=-3, max_value=12).map(str),
    st.sampled_from(["10 ** 4", "10000", "99999", "9 ** 99", "-1", "0", "1.5", "1e308"]),
    st.sampled_from(["'a'", "''", "'ab' * 3", "'x' * 9999", "b'ab'", "True", "None", "null"]),
    st.sampled_from(NAMES),
    st.sampled_from(["record.status", "quote.discount", "run.id", "record.__class__"]),
)
_BINARY = ["+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "==", "!=", "<",
           "<=", ">", ">=", " in ", " not in ", " and ", " or ", " is "]  # fmt: skip
_CALLS = ["len", "str", "int", "float", "bool", "abs", "min", "max", "round", "lower", "upper",
          "list", "tuple", "dict", "set", "sorted", "sum"]  # fmt: skip
_METHODS = ["lower()", "split()", "split(',')", "count('a')", "get('x')", "keys()", "items()",
            "startswith('a')", "zfill(10)"]  # fmt: skip


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(inner, inner)
    return st.one_of(
        st.builds(lambda p, op: f"({p[0]}){op}({p[1]})", pair, st.sampled_from(_BINARY)),
        st.builds(lambda e, n: f"[{e}] * {n}", inner, st.sampled_from(["10", "10000", "amount"])),
        st.builds(lambda f, e: f"{f}({e})", st.sampled_from(_CALLS), inner),
        st.builds(lambda e, m: f"({e}).{m}", inner, st.sampled_from(_METHODS)),
        st.builds(lambda p: f"[{p[0]}, {p[1]}]", pair),
        st.builds(lambda p: f"{{{p[0]}: {p[1]}}}", pair),
        st.builds(lambda p: f"({p[0]})[{p[1]}]", pair),
        st.builds(lambda e: f"({e})[::-1]", inner),
        st.builds(lambda e: f"not ({e})", inner),
        st.builds(lambda e: f"-({e})", inner),
        st.builds(lambda p: f"({p[0]}) if ({p[1]}) else 0", pair),
        st.builds(lambda e: f"f'{{{e}}}'", inner),
        st.builds(lambda p: f"[{p[0]} for x in ({p[1]})]", pair),
        st.builds(lambda e: f"[x == x for x in ({e})]", inner),
    )


EXPRESSIONS = st.recursive(_ATOMS, _extend, max_leaves=12)
"""Well-formed (mostly) expressions over the names in `NAMES`."""

_WALKS = ["str({})", "{0} == {0}", "{0} < {0}", "1 in {}", "max({})", "f'{{{}}}'",
          "len(str({}))", "[x == x for x in {}]", "{} * 2", "min({})", "list({})"]  # fmt: skip
_REPEATED = st.recursive(
    st.sampled_from(["1", "'ab'", "amount", "nested", "record", "items"]),
    lambda inner: st.builds(
        lambda e, n: f"[{e}] * {n}", inner, st.sampled_from(["3", "100", "10000", "amount"])
    ),
    max_leaves=4,
)
AMPLIFIED = st.builds(lambda walk, e: walk.format(e), st.sampled_from(_WALKS), _REPEATED)
"""A value repeated by reference (maybe several levels deep), then walked by an operation."""

SOUP = st.text(alphabet="()[]{}'\"*+-<>=!.,:0123456789 abefilnorstux_\\%~^|&@#", max_size=60)
"""Raw character soup: mostly syntax errors, sometimes something that parses."""
