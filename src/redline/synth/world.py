"""A seeded world of operations, with ground truth, for measuring how well rings are linked.

Each operation runs several accounts on several platforms. It owns a few *contact cards*
(a phone, a WeChat id, a QQ number, a Telegram handle, a site, a mailbox): a head-office card
every account may print, and one card per account. Its posts are the generator's ad templates
in the operation's language, with the contact slots filled from its cards (spelled a different
way each time: spacing, case, `+86`, `www.`), crossed with evasion families.

Decoys make linking hard the way real data does: a courier help line printed by ads of many
operations and by ordinary shop posts; a public health hotline printed by news, warnings and
some ads; a courier's dispatch phone printed only by ads, of several operations; a WeChat id
that spam accounts repost everywhere. Waybills and customs seizures carry the operations'
phones. `truth` says which operation each post and shipment belongs to (None: no operation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random

from redline.synth.evasion import APPLIES, EVASIONS
from redline.synth.generate import PACKS
from redline.synth.templates import fill, slot_names

CONTACT_SLOT_NAMES = frozenset({"phone", "hkphone", "inphone", "qq", "wx", "tg", "url", "email"})
LANGS = ("zh-Hans", "zh-Hant", "en")
LANG_WEIGHTS = (0.5, 0.2, 0.3)
PLATFORMS = ("weibo", "douyin", "xiaohongshu", "wechat_channels", "facebook", "telegram")

_GENERIC_LINES = {
    "courier": {
        "zh": ("顺丰冷链寄送，快递客服{courier}", "寄件问题请打快递客服{courier}"),
        "en": ("Cold-chain courier; courier help line {courier}",),
    },
    "hotline": {
        "zh": ("有疑问可拨打卫生热线{hotline}核实。", "举报电话：{hotline}"),
        "en": ("Questions? Public health hotline {hotline}.",),
    },
    "dispatch": {
        "zh": ("同城跑腿取血样，调度电话{dispatch}",),
        "en": ("Same-day pickup, dispatch {dispatch}",),
    },
    "spam": {
        "zh": ("转自推广号，加微信：{spam}",),
        "en": ("Reposted via promo WeChat: {spam}",),
    },
}
_VOLUME_LINES = {
    "zh": ("已帮助近{volume}位宝妈圆梦。", "累计服务超过{volume}位孕妈。"),
    "en": ("We have helped nearly {volume} mothers.", "Over {volume} families served."),
}
_HANDLE_PARTS = (
    "hk",
    "lab",
    "gene",
    "baby",
    "mama",
    "yx",
    "bio",
    "nipt",
    "lucky",
    "sunny",
    "bao",
    "xiao",
    "jia",
    "kang",
    "mei",
    "ying",
)
_BENIGN_SHOP_CATEGORIES = ("kids_product", "legit_screening", "gender_reveal")
_BENIGN_NEWS_CATEGORIES = ("news_about_case", "warning", "law_text", "explainer")


@dataclass(frozen=True)
class ContactCard:
    """Canonical contact points; `render` spells them a different way in each post."""

    mobile: str
    hk: str
    india: str
    qq: str
    wechat: str
    telegram: str
    site: str
    mailbox: str


@dataclass
class Operation:
    id: str
    lang: str
    accounts: list[tuple[str, str]]
    cards: list[ContactCard]
    volume: int | None
    uses: frozenset[str]
    """Generic contacts its ads print: courier, hotline, dispatch, spam."""


@dataclass
class World:
    seed: int
    operations: list[Operation]
    posts: list[dict[str, str]] = field(default_factory=list)
    shipments: list[dict[str, str]] = field(default_factory=list)
    truth: dict[str, str | None] = field(default_factory=dict)
    generic: dict[str, str] = field(default_factory=dict)
    """Generic contact name -> its canonical value (E.164 or handle)."""


def generate_world(
    n_operations: int = 40, *, seed: int = 0, benign_posts: int = 400, spam_posts: int = 120
) -> World:
    """A world of `n_operations` operations, decoys and shipments; same arguments, same world."""
    rng = Random(f"world:{seed}")
    generic = {
        "courier": f"400{rng.randrange(1_000_000, 9_999_999)}",
        "hotline": f"0208{rng.randrange(1_000_000, 9_999_999)}",
        "dispatch": f"1{rng.randint(3, 9)}{rng.randrange(10**8, 10**9)}",
        "spam": f"tuiguang{rng.randrange(100, 999)}",
    }
    world = World(seed, [], generic=dict(generic))
    dispatch_users = set(rng.sample(range(n_operations), min(5, n_operations)))
    for index in range(n_operations):
        op = _operation(rng, index, index in dispatch_users)
        world.operations.append(op)
        _write_operation_posts(world, op, rng)
    _write_decoys(world, rng, benign_posts, spam_posts)
    return world


def _card(rng: Random) -> ContactCard:
    handle = f"{rng.choice(_HANDLE_PARTS)}{rng.choice(('', '_'))}{rng.choice(_HANDLE_PARTS)}"
    number = rng.randrange(100, 99_999)
    return ContactCard(
        mobile=f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}",
        hk=f"{rng.choice('569')}{rng.randrange(10**6, 10**7)}",
        india=f"{rng.randint(6, 9)}{rng.randrange(10**8, 10**9)}",
        qq=str(rng.randrange(10**6, 10**10)),
        wechat=f"{handle}{number}",
        telegram=f"{handle.replace('_', '')}_{number}",
        site=f"{rng.choice(_HANDLE_PARTS)}{rng.choice(('gene', 'lab', 'bio'))}{number}",
        mailbox=f"{handle}{number}@{rng.choice(('gmail.com', 'proton.me', '163.com'))}",
    )


def _operation(rng: Random, index: int, uses_dispatch: bool) -> Operation:
    lang = rng.choices(LANGS, LANG_WEIGHTS)[0]
    n_accounts = rng.randint(2, 6)
    accounts = [
        (rng.choice(PLATFORMS), f"op{index}_{rng.choice(_HANDLE_PARTS)}{k}{rng.randrange(999)}")
        for k in range(n_accounts)
    ]
    uses = {name for name in ("courier", "hotline", "spam") if rng.random() < 0.4}
    if uses_dispatch:
        uses.add("dispatch")
    volume = rng.choice((None, 3000, 8000, 10000, 20000)) if rng.random() < 0.5 else None
    return Operation(
        f"op{index}",
        lang,
        accounts,
        [_card(rng) for _ in range(n_accounts + 1)],
        volume,
        frozenset(uses),
    )


def _spellings(card: ContactCard, rng: Random) -> dict[str, Callable[[Random], str]]:
    """Slot fillers that print this card's contacts, each in a randomly chosen spelling."""

    def mobile(r: Random) -> str:
        m = card.mobile
        return r.choice((m, f"{m[:3]} {m[3:7]} {m[7:]}", f"{m[:3]}-{m[3:7]}-{m[7:]}", f"+86 {m}"))

    def cased(value: str) -> Callable[[Random], str]:
        return lambda r: r.choice((value, value.upper(), value.capitalize()))

    return {
        "phone": mobile,
        "hkphone": lambda r: r.choice(("+852 ", "(852) ", "852-")) + f"{card.hk[:4]} {card.hk[4:]}",
        "inphone": lambda r: r.choice(
            (f"+91 {card.india[:5]} {card.india[5:]}", f"+91-{card.india}")
        ),
        "qq": lambda r: card.qq,
        "wx": cased(card.wechat),
        "tg": lambda r: "@" + r.choice((card.telegram, card.telegram.capitalize())),
        "url": lambda r: (
            r.choice(("", "www.", "https://", "https://www."))
            + f"{card.site}.com.hk"
            + r.choice(("", "/booking", "/contact", "/price"))
        ),
        "email": lambda r: card.mailbox,
    }


def _generic_slots(world: World) -> dict[str, Callable[[Random], str]]:
    g = world.generic
    return {
        "courier": lambda r: r.choice(
            (f"{g['courier'][:3]}-{g['courier'][3:6]}-{g['courier'][6:]}", g["courier"])
        ),
        "hotline": lambda r: r.choice((f"020-{g['hotline'][3:]}", f"(020) {g['hotline'][3:]}")),
        "dispatch": lambda r: g["dispatch"],
        "spam": lambda r: r.choice((g["spam"], g["spam"].upper())),
    }


def _family(lang: str) -> str:
    return "zh" if lang.startswith("zh") else "en"


def _write_operation_posts(world: World, op: Operation, rng: Random) -> None:
    pack = PACKS[op.lang]
    contact_ctas = [t for t in pack.cta if slot_names(t) & CONTACT_SLOT_NAMES]
    house_ctas = rng.sample(contact_ctas, 2)  # an operation sticks to a few contact lines
    generic_slots = _generic_slots(world)
    start_day = rng.randrange(0, 150)
    printed_phones: list[str] = []
    for account_index, (platform, author) in enumerate(op.accounts):
        for number in range(rng.randint(3, 8)):
            post_rng = Random(f"world:{world.seed}:{op.id}:{account_index}:{number}")
            head = number == 0 or post_rng.random() < 0.75  # ads push the main contact
            card = op.cards[0] if head else op.cards[account_index + 1]
            slots = {
                **pack.slots,
                **_spellings(card, post_rng),
                **generic_slots,
                "volume": lambda r, v=op.volume: f"{v:,}" if r.random() < 0.5 else str(v),
            }
            category = post_rng.choice(sorted(pack.violating))
            templates = post_rng.sample(
                pack.violating[category], min(post_rng.randint(1, 3), len(pack.violating[category]))
            )
            templates.append(
                post_rng.choice(house_ctas if head or post_rng.random() < 0.8 else contact_ctas)
            )
            family = _family(op.lang)
            for name in sorted(op.uses):
                if post_rng.random() < 0.5:
                    templates.append(post_rng.choice(_GENERIC_LINES[name][family]))
            if op.volume and post_rng.random() < 0.4:
                templates.insert(1, post_rng.choice(_VOLUME_LINES[family]))
            cache: dict[str, str] = {}
            text = "\n".join(fill(t, slots, post_rng, cache) for t in templates)
            printed_phones.extend(
                cache[name] for name in ("phone", "hkphone", "inphone") if name in cache
            )
            text = _evade(text, op.lang, post_rng)
            post_id = f"{op.id}-{account_index}-{number}"
            day = start_day + post_rng.randrange(0, 60)
            world.posts.append(_post(post_id, text, platform, author, day, post_rng))
            world.truth[post_id] = op.id
    for account_index in range(len(op.accounts)):
        for number in range(rng.randint(0, 2) if printed_phones else 0):
            shipment_id = f"{op.id}-ship-{account_index}-{number}"
            world.shipments.append(
                {
                    "id": shipment_id,
                    "kind": rng.choice(("waybill", "seizure")),
                    "sender_phone": rng.choice(printed_phones),  # a phone its ads printed
                    "recipient_phone": f"+852 9{rng.randrange(10**6, 10**7)}"
                    if rng.random() < 0.5
                    else "",
                    "date": f"2026-{1 + (start_day // 30) % 12:02d}-{1 + rng.randrange(28):02d}",
                    "carrier": rng.choice(("SF", "EMS", "JD")),
                    "origin": rng.choice(("深圳", "广州", "东莞")),
                    "destination": "香港",
                    "description": rng.choice(("茶叶", "保健品", "样品")),
                }
            )
            world.truth[shipment_id] = op.id


def _evade(text: str, lang: str, rng: Random) -> str:
    families = [name for name in EVASIONS if lang in APPLIES[name]]
    for name in rng.sample(families, rng.randint(0, 2)):
        text = EVASIONS[name](text, lang, rng)
    return text


def _post(post_id: str, text: str, platform: str, author: str, day: int, rng: Random) -> dict:
    month, mday = 1 + day // 30, 1 + day % 28
    return {
        "id": post_id,
        "text": text,
        "author": author,
        "platform": platform,
        "created_at": f"2026-{month:02d}-{mday:02d}T{rng.randrange(24):02d}:00:00Z",
        "url": f"https://{platform}.example/{author}/{post_id}",
    }


def _write_decoys(world: World, rng: Random, benign_posts: int, spam_posts: int) -> None:
    """Ordinary posts that print the courier line or hotline, and spam reposting one handle."""
    generic_slots = _generic_slots(world)
    for index in range(benign_posts):
        lang = rng.choices(LANGS, LANG_WEIGHTS)[0]
        pack = PACKS[lang]
        news = rng.random() < 0.5
        pool = _BENIGN_NEWS_CATEGORIES if news else _BENIGN_SHOP_CATEGORIES
        category = rng.choice([c for c in pool if c in pack.benign])
        templates = rng.sample(pack.benign[category], min(2, len(pack.benign[category])))
        templates.append(
            rng.choice(_GENERIC_LINES["hotline" if news else "courier"][_family(lang)])
        )
        if not news and category in pack.benign_contact:
            templates.append(rng.choice(pack.benign_contact[category]))
        slots = {**pack.slots, **generic_slots}
        text = "\n".join(fill(t, slots, rng, {}) for t in templates)
        post_id = f"decoy-{index}"
        author = f"user{rng.randrange(10**6)}"
        world.posts.append(
            _post(post_id, text, rng.choice(PLATFORMS), author, rng.randrange(180), rng)
        )
        world.truth[post_id] = None
    for index in range(spam_posts):
        op = world.operations[rng.randrange(len(world.operations))]
        pack = PACKS[op.lang]
        category = rng.choice(sorted(pack.violating))
        templates = [
            rng.choice(pack.violating[category]),
            rng.choice(_GENERIC_LINES["spam"][_family(op.lang)]),
        ]
        text = "\n".join(fill(t, {**pack.slots, **generic_slots}, rng, {}) for t in templates)
        post_id = f"spam-{index}"
        author = f"spam{rng.randrange(10**6)}"
        world.posts.append(
            _post(post_id, text, rng.choice(PLATFORMS), author, rng.randrange(180), rng)
        )
        world.truth[post_id] = None
    for index in range(rng.randint(5, 15)):
        shipment_id = f"decoy-ship-{index}"
        world.shipments.append(
            {
                "id": shipment_id,
                "kind": "waybill",
                "sender_phone": world.generic["courier"],
                "recipient_phone": f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}",
                "date": "2026-03-01",
                "carrier": "SF",
                "origin": "深圳",
                "destination": "广州",
                "description": "玩具",
            }
        )
        world.truth[shipment_id] = None
