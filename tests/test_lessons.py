"""The shipped lessons: each step opens a valid link, in the seed text's order; a broken lesson file is refused."""

import dataclasses

import pytest

from mmplay.config import parse_config
from mmplay.labs import CATALOG, LABS
from mmplay.labs.lessons import LESSONS_DIR, LessonError, lessons, load_lesson, step_query
from mmplay.view import parse_view, split_query

CONFIGS = {slug: lab.config for slug, lab in LABS.items()}


def test_at_least_three_lessons_of_five_to_ten_steps_each():
    shipped = lessons()
    assert len(shipped) >= 3
    for lesson in shipped.values():
        assert 5 <= len(lesson.steps) <= 10, lesson.name
        assert all(step.question.endswith("?") or "?" in step.question for step in lesson.steps)


def test_every_shipped_step_waits_for_the_class_to_predict():
    """A step asks a question and the teacher presses Play after the class has answered: a step that trained
    on open would show the answer before the question was read."""
    for lesson in lessons().values():
        assert not [n for n, step in enumerate(lesson.steps, start=1) if step.autoplay], lesson.name


def test_lessons_follow_the_seed_texts_order_and_cover_every_lab():
    order = [lab.slug for lab in CATALOG]  # the catalog follows the seed: synergy … robustness
    pages = [step.page for lesson in lessons().values() for step in lesson.steps]
    assert set(pages) == set(order)
    first_seen = list(dict.fromkeys(pages))
    assert first_seen[0] == "synergy"
    assert {"gating", "missing", "dominance"} >= set(first_seen[-3:])


@pytest.mark.parametrize("name", list(lessons()))
def test_every_step_opens_as_a_valid_link(name):
    lesson = load_lesson(LESSONS_DIR / f"{name}.toml", CONFIGS)  # every setting checked against the lab's Config
    assert lesson == lessons()[name]
    for number, step in enumerate(lesson.steps, start=1):
        knobs, view_raw = split_query(step_query(lesson, number))
        config, problems = parse_config(CONFIGS[step.page], knobs)
        assert problems == [], (name, number)
        view, view_problems = parse_view(view_raw, [f.name for f in dataclasses.fields(config)])
        assert view_problems == [] and (view.lesson, view.step) == (name, number)
        assert view.hidden == step.hide


@pytest.mark.parametrize(
    "body,reason",
    [
        ('page = "nowhere"\nquestion = "?"', "unknown page"),
        ('page = "synergy"\nquestion = "?"\nsettings = { noise = 7.0 }', "noise"),
        ('page = "synergy"\nquestion = "?"\nhide = ["bogus"]', "bogus"),
        ('page = "synergy"', "no question"),
    ],
)
def test_a_broken_lesson_file_is_refused_with_the_reason(tmp_path, body, reason):
    path = tmp_path / "broken.toml"
    path.write_text(f'title = "Broken"\n[[steps]]\n{body}\n', encoding="utf-8")
    with pytest.raises(LessonError, match=reason):
        load_lesson(path, CONFIGS)
