"""Lesson-link parameters: what they hide and switch on, checked and reported like a lab's knobs."""

from mmplay.view import PARTS, View, parse_view, split_query, view_to_strings

KNOBS = ("noise", "preset", "seed")


def test_hide_takes_parts_and_knob_names_and_reports_the_rest():
    view, problems = parse_view({"hide": "sidebar, noise,predict,,bogus"}, KNOBS)
    assert view.hidden == {"sidebar", "noise", "predict"}
    assert view.hides("noise") and not view.hides("export")
    assert len(problems) == 1 and "bogus" in problems[0]


def test_flags_and_step_are_coerced_or_reported():
    view, problems = parse_view({"present": "1", "autoplay": "yes", "lesson": "synergy", "step": "3"}, KNOBS)
    assert (view.present, view.autoplay, view.lesson, view.step) == (True, True, "synergy", 3)
    assert problems == []
    view, problems = parse_view({"present": "maybe", "step": "2.5"}, KNOBS)
    assert (view.present, view.step) == (False, None)
    assert len(problems) == 2


def test_a_plain_page_has_an_empty_view_and_writes_nothing():
    view, problems = parse_view({}, KNOBS)
    assert view == View() and problems == []
    assert view_to_strings(view) == {}


def test_view_round_trips_through_its_strings():
    view = View(frozenset({"sidebar", "seed", *PARTS}), True, True, "robustness", 4)
    assert parse_view(view_to_strings(view), KNOBS) == (view, [])


def test_split_query_separates_knobs_from_view_parameters():
    knobs, view = split_query({"noise": "0.2", "hide": "text", "step": "2", "seed": "1"})
    assert knobs == {"noise": "0.2", "seed": "1"}
    assert view == {"hide": "text", "step": "2"}


def test_speed_is_one_of_the_speeds_or_reported():
    view, problems = parse_view({"speed": "5"}, [])
    assert view.speed == 5 and not problems
    assert view_to_strings(view) == {"speed": "5"}
    for bad in ("7", "fast"):
        view, problems = parse_view({"speed": bad}, [])
        assert view.speed is None and len(problems) == 1 and "speed" in problems[0]
