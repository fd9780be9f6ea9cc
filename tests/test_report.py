from parallel.documents import Segment, Translation
from parallel.report import attention_order


def test_attention_puts_flagged_and_unsure_segments_first():
    def t(i, score, flags=()):
        return Translation(Segment("d", 1, i, "نص"), "text", score, tuple(flags))

    order = attention_order([t(1, -0.2), t(2, -1.5), t(3, -0.1, ["numbers"]), t(4, -0.9, ["numbers", "truncated"])])
    assert [a["id"] for a in order] == ["d:1:4", "d:1:3", "d:1:2", "d:1:1"]
    assert len(attention_order([t(i, -0.1) for i in range(1, 30)], limit=5)) == 5
