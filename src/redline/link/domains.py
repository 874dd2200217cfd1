"""Registrable domains without downloading the Public Suffix List.

Two links belong to the same operator when they share a registrable domain (`shop.abc.com.hk`
and `abc.com.hk/booking` are both `abc.com.hk`). The full list has thousands of rules; ads in
this domain use a few dozen suffixes, so a small table of multi-label suffixes covers them, and
anything else falls back to "last two labels", which is right for every generic TLD.

Hosting platforms where each subdomain or path is a different owner (`x.github.io`,
`weibo.com/u/123`) are handled separately: their links keep the part that names the owner.
"""

from __future__ import annotations

import re

MULTI_LABEL_SUFFIXES: frozenset[str] = frozenset(
    f"{second}.{tld}"
    for tld, seconds in {
        "cn": "com net org gov edu ac mil bj sh tj cq gd gx hk fj zj js sd",
        "hk": "com net org gov edu idv",
        "tw": "com net org gov edu idv",
        "mo": "com net org gov edu",
        "in": "co net org gov ac res firm gen ind",
        "uk": "co org ac gov me ltd plc",
        "au": "com net org gov edu",
        "sg": "com net org gov edu",
        "my": "com net org gov edu",
        "jp": "co ne or ac go",
        "kr": "co ne or ac go",
        "th": "co in or ac go",
        "nz": "co net org ac govt",
        "za": "co org ac gov",
        "br": "com net org gov",
    }.items()
    for second in seconds.split()
)
"""Public suffixes of two labels (`com.hk`): the registrable domain is one label more."""

OWNER_SUBDOMAIN_SUFFIXES: frozenset[str] = frozenset(
    {
        "github.io",
        "gitlab.io",
        "blogspot.com",
        "wordpress.com",
        "wixsite.com",
        "weebly.com",
        "herokuapp.com",
        "vercel.app",
        "netlify.app",
        "pages.dev",
        "web.app",
        "firebaseapp.com",
        "azurewebsites.net",
        "cloudfront.net",
        "notion.site",
        "lofter.com",
        "tumblr.com",
    }
)
"""Private suffixes: each subdomain (`alice.github.io`) is a separate owner."""

OWNER_PATH_DOMAINS: frozenset[str] = frozenset(
    {
        "weibo.com",
        "weibo.cn",
        "qq.com",
        "weixin.qq.com",
        "douyin.com",
        "xiaohongshu.com",
        "xhslink.com",
        "taobao.com",
        "tmall.com",
        "jd.com",
        "pinduoduo.com",
        "baidu.com",
        "zhihu.com",
        "bilibili.com",
        "douban.com",
        "facebook.com",
        "instagram.com",
        "x.com",
        "twitter.com",
        "youtube.com",
        "tiktok.com",
        "t.me",
        "wa.me",
        "line.me",
        "linktr.ee",
        "bit.ly",
        "t.cn",
        "dwz.cn",
        "tinyurl.com",
        "google.com",
        "sites.google.com",
    }
)
"""Platforms and link shorteners: everyone's links share the domain, the path names the owner."""

_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")


def registrable_domain(host: str) -> str:
    """The domain a registrant controls: `a.b.abc.com.hk` -> `abc.com.hk`, IPs unchanged."""
    host = host.lower().strip(".")
    if _IPV4.fullmatch(host):
        return host
    labels = host.split(".")
    if len(labels) <= 2:
        return host
    for suffixes in (OWNER_SUBDOMAIN_SUFFIXES, MULTI_LABEL_SUFFIXES):
        if ".".join(labels[-2:]) in suffixes:
            return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def link_key(url: str) -> str:
    """What a link says about its owner: the registrable domain, or domain + owner path.

    `url` is scheme-less or not, with or without `www.`; the recogniser's value
    (`abc.com.hk/booking`) and a raw `https://www.abc.com.hk/x?y` give the same key.
    """
    text = url.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = re.split(r"[?#]", text, maxsplit=1)[0]
    host, _, path = text.partition("/")
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].removeprefix("www.")
    if not host or "." not in host:
        raise ValueError(f"not a link: {url!r}")
    if host in MULTI_LABEL_SUFFIXES or host in OWNER_SUBDOMAIN_SUFFIXES:
        raise ValueError(f"a public suffix, not anyone's domain: {url!r}")
    domain = registrable_domain(host)
    if domain in OWNER_PATH_DOMAINS or host in OWNER_PATH_DOMAINS:
        owner = "/".join(part for part in path.split("/")[:2] if part)
        return f"{host}/{owner}" if owner else host
    return domain
