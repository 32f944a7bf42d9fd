"""The page policy: known inline scripts allowed by their hash, anything else stops the build."""

from __future__ import annotations

import base64
import hashlib

import pytest

from pipeline import page_policy

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8" />
<script>DOCUMENTATION_OPTIONS.pagename = 'chapters/01-workforce';</script>
<script src="_static/x.js"></script><script type="application/json">{"spec": 1}</script>
<noscript><style>.pst-js-only { display: none !important; }</style></noscript>
</head><body><button onclick="window.print()">print</button></body></html>"""


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_known_inline_scripts_handlers_and_styles_are_allowed_by_their_hash():
    policy = page_policy.policy(PAGE)
    assert _sha("DOCUMENTATION_OPTIONS.pagename = 'chapters/01-workforce';") in policy
    assert _sha("window.print()") in policy and "'unsafe-hashes'" in policy
    assert _sha(".pst-js-only { display: none !important; }") in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "connect-src 'self'" in policy and "default-src 'none'" in policy


@pytest.mark.parametrize("injected", ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">',
                                      '<script type="module">import("//evil")</script>'])
def test_an_inline_script_the_book_does_not_know_stops_the_build(injected):
    with pytest.raises(page_policy.PagePolicyError, match="does not know"):
        page_policy.policy(PAGE.replace("</body>", injected + "</body>"), "chapters/01-workforce.html")


def test_the_policy_goes_first_in_the_head_and_is_replaced_not_repeated():
    once = page_policy.apply(PAGE)
    assert once.index('http-equiv="Content-Security-Policy"') < once.index("<script")
    assert page_policy.apply(once) == once
    assert page_policy.apply('<meta http-equiv="Refresh" content="0; url=intro.html" />').startswith(
        f'<meta id="{page_policy.META_ID}"')


def test_the_index_pages_style_attributes_are_allowed_by_hash_and_no_others():
    """The general index lists glossary terms in a table Sphinx lays out with style attributes."""
    index = PAGE.replace("<body>", '<body><table style="width: 100%"><tr><td style="width: 33%; vertical-align: top;">')
    style_src = next(d for d in page_policy.policy(index).split("; ") if d.startswith("style-src"))
    assert "'unsafe-hashes'" in style_src and _sha("width: 100%") in style_src
    assert _sha("width: 33%; vertical-align: top;") in style_src
    assert "'unsafe-hashes'" not in next(d for d in page_policy.policy(PAGE).split("; ") if d.startswith("style-src"))
    with pytest.raises(page_policy.PagePolicyError, match="style=position: fixed"):
        page_policy.policy(PAGE.replace("<body>", '<body><div style="position: fixed">'))
