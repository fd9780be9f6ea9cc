from parallel.records import Segment, Translation
from parallel.reports.report import AttentionList


def _translation(i, score, flags=()):
    return Translation(Segment("d", 1, i, "نص"), "text", score, tuple(flags))


def test_attention_puts_flagged_and_unsure_segments_first():
    attention = AttentionList()
    attention.add([_translation(1, -0.2), _translation(2, -1.5), _translation(3, -0.1, ["numbers"]),
                   _translation(4, -0.9, ["numbers", "truncated"])])
    assert [a["id"] for a in attention.items()] == ["d:1:4", "d:1:3", "d:1:2", "d:1:1"]


def test_attention_keeps_the_same_top_segments_when_added_in_chunks():
    translations = [_translation(i, -((i * 37) % 11) / 10, ["numbers"] * (i % 4 == 0)) for i in range(1, 40)]
    whole, chunked = AttentionList(limit=5), AttentionList(limit=5)
    whole.add(translations)
    for start in range(0, len(translations), 6):
        chunked.add(translations[start:start + 6])
    assert len(whole.items()) == 5 and chunked.items() == whole.items()
    assert all(item["flags"] == ["numbers"] for item in whole.items()[:5])
