from okrs.talk.markdown import mentioned_usernames, render


def test_script_and_style_are_not_passed_through():
    html = render("Hi <script>alert(1)</script> <style>body{}</style> **bold**")
    assert "<script" not in html and "<style" not in html
    assert "<strong>bold</strong>" in html


def test_javascript_links_lose_their_href():
    html = render("[click](javascript:alert(1)) and [data](data:text/html,hi)")
    assert "<a" not in html  # no link is made: the text stays as plain, inert text
    assert "href" not in html


def test_raw_html_links_with_javascript_are_escaped_not_linked():
    html = render('<a href="javascript:alert(1)" onclick="x()">x</a>')
    assert "<a" not in html and "&lt;a" in html


def test_safe_links_get_nofollow_noopener():
    html = render("[site](https://example.org) <mailto:me@example.org>")
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow noopener"' in html
    assert 'href="mailto:me@example.org"' in html


def test_event_attributes_and_images_are_dropped():
    html = render('![x](https://example.org/x.png "t") <img src=x onerror=alert(1)>')
    assert "<img" not in html  # markdown images are not allowed, raw HTML is escaped text


def test_mentions_are_found_once_each_in_order():
    text = "@alice and @bob.smith, also @alice. Not an email: a@b.org"
    assert mentioned_usernames(text) == ["alice", "bob.smith"]
