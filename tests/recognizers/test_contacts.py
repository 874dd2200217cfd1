"""Contact recognisers on already-normalised text (lower case, ASCII digits and punctuation)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.recognizers.base import Recognizer
from redline.recognizers.contacts import (
    EmailRecognizer,
    HandleRecognizer,
    PhoneRecognizer,
    UrlRecognizer,
)

Found = list[tuple[str, str, str]]


def found(recognizer: Recognizer, text: str) -> Found:
    """(category, covered text, value) of every signal, so offsets are checked with values."""
    return [(s.category, text[s.start : s.end], s.value) for s in recognizer.recognize(text)]


# --- phones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "covered", "value"),
    [
        ("联系电话13800138000", "13800138000", "+8613800138000"),
        ("电话:138-0013-8000 随时咨询", "138-0013-8000", "+8613800138000"),
        ("电话 138 0013 8000", "138 0013 8000", "+8613800138000"),
        ("138.0013.8000", "138.0013.8000", "+8613800138000"),
        ("拆开写 1 3 8 0 0 1 3 8 0 0 0 防屏蔽", "1 3 8 0 0 1 3 8 0 0 0", "+8613800138000"),
        ("vx13800138000", "13800138000", "+8613800138000"),
        ("+86 139 1234 5678", "+86 139 1234 5678", "+8613912345678"),
        ("0086 13912345678", "0086 13912345678", "+8613912345678"),
        ("8613912345678", "8613912345678", "+8613912345678"),
        ("座机 010-12345678", "010-12345678", "+861012345678"),
        ("(020)12345678", "(020)12345678", "+862012345678"),
        ("0755 1234 5678", "0755 1234 5678", "+8675512345678"),
        ("热线400-123-4567", "400-123-4567", "+864001234567"),
        ("香港诊所 +852 9123 4567", "+852 9123 4567", "+85291234567"),
        ("852-9123-4567", "852-9123-4567", "+85291234567"),
        ("香港化验所 9123 4567", "9123 4567", "+85291234567"),
        ("call +1 415 555 2671", "+1 415 555 2671", "+14155552671"),
        ("whatsapp +91 98765 43210", "+91 98765 43210", "+919876543210"),
        ("ling jaanch call 9876543210", "9876543210", "+919876543210"),  # Indian mobiles
        ("संपर्क 98765 43210", "98765 43210", "+919876543210"),
        ("whatsapp 91 98765-43210 now", "91 98765-43210", "+919876543210"),
        ("mobile no: 9876543210", "9876543210", "+919876543210"),  # a label, not a reference
        ("whatsapp number 98765 43210", "98765 43210", "+919876543210"),
    ],
)
def test_phone_is_found_with_its_exact_span_and_e164_value(
    text: str, covered: str, value: str
) -> None:
    assert found(PhoneRecognizer(), text) == [("contact.phone", covered, value)]


@pytest.mark.parametrize(
    "text",
    [
        "准确率99.9%",
        "2020年1月15日",
        "2020-01-15",
        "日期 2024.05.06",
        "香港验血 2024.05.06 出结果",
        "规格10ml,价格2800元",
        "订单号2023010112345678",
        "订单号:13800138000",
        "¥13800138000",
        "共12345678人",  # 8 digits without a Hong Kong cue
        "价格 2800 3000",
        "3.1415926535",
        "23800138000",  # 11 digits, but not 1[3-9]
        "1380013800",  # one digit short
        "快递单 9876543210 已发货",  # shaped as an Indian mobile, but in Chinese prose
        "ticket 1234567890",  # ten digits, but not [6-9]
        "order no. 9876543210",
        "fir no 8123456789 was registered",  # references and amounts, not Indian mobiles
        "pnr 8234567890",
        "isbn 8175257660",
        "rs 9876543210",
        "ticket id: 9876543210",
        "(917) 555-0123",  # grouped 3-3-4: North American, not Indian
        "07911 123456",  # a trunk 0: a UK mobile as much as an Indian one
    ],
)
def test_numbers_that_are_not_phones_are_ignored(text: str) -> None:
    assert found(PhoneRecognizer(), text) == []


def test_a_phone_between_a_date_and_a_price_is_cut_out_of_the_run() -> None:
    text = "2020-01-15 13800138000 2000元"
    assert found(PhoneRecognizer(), text) == [("contact.phone", "13800138000", "+8613800138000")]


def test_two_phones_in_one_post_are_both_found() -> None:
    text = "电话13800138000或13912345678"
    assert [value for _, _, value in found(PhoneRecognizer(), text)] == [
        "+8613800138000",
        "+8613912345678",
    ]


def test_a_phone_inside_a_longer_digit_run_is_not_a_phone() -> None:
    assert found(PhoneRecognizer(), "编码913800138000") == []


# --- messenger handles ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category", "covered", "value"),
    [
        ("加v:abc_12345", "contact.wechat", "abc_12345", "abc_12345"),
        ("+v abc123", "contact.wechat", "abc123", "abc123"),
        ("+ v abc123 详聊", "contact.wechat", "abc123", "abc123"),
        ("vx 13800138000", "contact.wechat", "13800138000", "13800138000"),
        ("vx:138-0013-8000", "contact.wechat", "138-0013-8000", "13800138000"),
        ("微信号:mama_2024", "contact.wechat", "mama_2024", "mama_2024"),
        ("微信:idol2024", "contact.wechat", "idol2024", "idol2024"),  # a handle starting "id"
        ("微信id:abc123", "contact.wechat", "abc123", "abc123"),  # "id" as a label
        ("qq id12345", "contact.qq", "12345", "12345"),  # "id" glued to a number: a label
        ("微信:abcdef", "contact.wechat", "abcdef", "abcdef"),
        ("加微hkbaby88", "contact.wechat", "hkbaby88", "hkbaby88"),
        ("宝妈加我:hkying18090", "contact.wechat", "hkying18090", "hkying18090"),
        ("薇信 hk-test-01", "contact.wechat", "hk-test-01", "hk-test-01"),
        ("wx=baby_hk_2024", "contact.wechat", "baby_hk_2024", "baby_hk_2024"),
        ("wechat: abcdefg", "contact.wechat", "abcdefg", "abcdefg"),
        ("卫星 abc12345", "contact.wechat", "abc12345", "abc12345"),
        ("绿泡泡:hello_mama", "contact.wechat", "hello_mama", "hello_mama"),
        ("v:abc123", "contact.wechat", "abc123", "abc123"),
        ("私信wxid_abcd1234", "contact.wechat", "wxid_abcd1234", "wxid_abcd1234"),
        ("qq: 123456789", "contact.qq", "123456789", "123456789"),
        ("扣扣12345", "contact.qq", "12345", "12345"),
        ("企鹅号 987654", "contact.qq", "987654", "987654"),
        ("qq群 123456", "contact.qq", "123456", "123456"),
        ("tg @hello_world", "contact.telegram", "hello_world", "hello_world"),
        ("telegram: hkgender", "contact.telegram", "hkgender", "hkgender"),
        ("飞机 @hello_world", "contact.telegram", "hello_world", "hello_world"),
        ("t.me/hello_world", "contact.telegram", "hello_world", "hello_world"),
        ("line id: abc.12", "contact.line", "abc.12", "abc.12"),
        ("line: abc.123.", "contact.line", "abc.123", "abc.123"),
        ("加赖 abc1234", "contact.line", "abc1234", "abc1234"),
    ],
)
def test_handle_after_a_marker_is_found_with_its_span(
    text: str, category: str, covered: str, value: str
) -> None:
    assert (category, covered, value) in found(HandleRecognizer(), text)


@pytest.mark.parametrize(
    "text",
    [
        "微信咨询",
        "微信同号",
        "wechat account",  # prose after a marker, not a handle
        "contact us on wechat for details",
        "坐飞机去香港",  # 飞机 without @name is a plane
        "依赖性很强",
        "online abcd123",
        "the line is busy",
        "vxabc123",  # glued Latin text cannot be split safely
        "qq: 0123456",  # QQ numbers do not start with 0
        "微信:ab1",  # too short for a WeChat id
        "微信:abcdefghijklmnopqrstuvwxyz",  # too long
        "加我好友吧 thanks",  # "add me" before prose
    ],
)
def test_markers_without_a_handle_are_ignored(text: str) -> None:
    assert found(HandleRecognizer(), text) == []


# --- URLs and e-mail ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "covered", "value"),
    [
        (
            "官网 https://www.example.com/a/b/?q=1 详情",
            "https://www.example.com/a/b/?q=1",
            "example.com/a/b",
        ),
        ("www.x.hk", "www.x.hk", "x.hk"),
        ("访问example.com/abc了解", "example.com/abc", "example.com/abc"),
        ("链接:abc.com.cn/x,微信", "abc.com.cn/x", "abc.com.cn/x"),
        ("t.me/abcde.", "t.me/abcde", "t.me/abcde"),
        ("http://1.2.3.4:8080/x", "http://1.2.3.4:8080/x", "1.2.3.4:8080/x"),
        ("见 http://t.cn/a6abcd@某人", "http://t.cn/a6abcd", "t.cn/a6abcd"),
    ],
)
def test_url_value_is_host_and_path_without_scheme(text: str, covered: str, value: str) -> None:
    assert found(UrlRecognizer(), text) == [("contact.url", covered, value)]


@pytest.mark.parametrize(
    "text", ["report.pdf", "photo.jpg", "准确率99.9", "e.g. this", "abc@example.com", "v1.2.3"]
)
def test_file_names_decimals_and_email_hosts_are_not_urls(text: str) -> None:
    assert found(UrlRecognizer(), text) == []


def test_email_is_found_without_trailing_punctuation() -> None:
    text = "邮箱: 12345@qq.com."
    assert found(EmailRecognizer(), text) == [("contact.email", "12345@qq.com", "12345@qq.com")]


def test_text_without_at_sign_has_no_email() -> None:
    assert found(EmailRecognizer(), "qq.com 12345") == []


# --- properties -----------------------------------------------------------------------------

_CONTACT_PIECES = [*"0123456789 +-.:()@/_abcvxqgtlinemw微信号加薇扣电话香港元年%"]
_CONTACT_PIECES += ["飞机", "wechat", "http://", ".com"]
"""Characters and words recognisers react to, mixed with arbitrary ones, so examples hit paths."""


@given(
    st.lists(st.sampled_from(_CONTACT_PIECES) | st.characters(codec="utf-8"), max_size=80).map(
        "".join
    )
)
def test_every_contact_signal_is_a_non_empty_span_inside_the_text(text: str) -> None:
    for recognizer in (PhoneRecognizer(), HandleRecognizer(), UrlRecognizer(), EmailRecognizer()):
        for signal in recognizer.recognize(text):
            assert 0 <= signal.start < signal.end <= len(text)
            assert signal.value
            assert signal.entity
            assert signal.pack is None
            assert signal.category.startswith("contact.")


_CONTEXT = st.text(st.sampled_from("的是我们你好请联系详情咨询。，！？、 【】"), max_size=12)
"""Chinese prose around an entity: no letter, digit or symbol that could join it."""


@given(
    before=_CONTEXT,
    after=_CONTEXT,
    block=st.sampled_from(["138", "139", "150", "158", "186", "199"]),
    rest=st.integers(0, 99_999_999),
)
def test_a_mainland_mobile_is_found_whole_in_any_prose(
    before: str, after: str, block: str, rest: int
) -> None:
    number = f"{block}{rest:08d}"
    text = before + number + after
    assert ("contact.phone", number, f"+86{number}") in found(PhoneRecognizer(), text)


@given(
    before=_CONTEXT,
    after=_CONTEXT,
    marker=st.sampled_from(["微信:", "加v:", "vx ", "微信号:", "加微", "wx="]),
    letters=st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8),
    tail=st.text("abcdefghijklmnopqrstuvwxyz0123456789_", max_size=6),
    digits=st.integers(1, 9_999),
)
def test_a_wechat_id_after_a_marker_is_found_in_any_prose(
    before: str, after: str, marker: str, letters: str, tail: str, digits: int
) -> None:
    handle = f"{letters}{tail}{digits}"[:20]
    if len(handle) < 6:
        handle = handle.ljust(6, "0")
    text = before + marker + handle + after
    assert ("contact.wechat", handle, handle) in found(HandleRecognizer(), text)


_LABEL = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)


@given(
    before=_CONTEXT,
    after=_CONTEXT,
    host=_LABEL,
    tld=st.sampled_from(["com", "net", "hk", "cn"]),
    path=_LABEL,
)
def test_a_link_is_found_with_host_and_path_in_any_prose(
    before: str, after: str, host: str, tld: str, path: str
) -> None:
    link = f"https://{host}.{tld}/{path}"
    expected = ("contact.url", link, f"{host}.{tld}/{path}")
    assert expected in found(UrlRecognizer(), before + link + after)


@given(before=_CONTEXT, after=_CONTEXT, local=_LABEL, host=_LABEL)
def test_an_email_address_is_found_whole_in_any_prose(
    before: str, after: str, local: str, host: str
) -> None:
    address = f"{local}@{host}.com"
    assert ("contact.email", address, address) in found(EmailRecognizer(), before + address + after)
