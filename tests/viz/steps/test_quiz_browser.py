"""The static player's quiz in chromium: typed answers marked as viz.steps.quiz marks them, offline.

``save_steps_html(y, path, quiz=True)`` holds each backward step back until the student
has typed the gradient of each of its inputs; the page's script marks them with the
same rule as Python (one table of cases pins the two together).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import autograd
import viz
from viz.graph.names import node_names
from viz.steps.quiz import mark

# (typed, expected): right and wrong answers, odd spellings, and text that is no number.
CASES = [
    ("-1.0313", -1.031343),
    ("-1.03134", -1.031343),
    (" -1.0313 ", -1.031343),
    ("\u22121.0313", -1.031343),  # a typographic minus
    ("-1.033", -1.031343),
    ("1.0313", -1.031343),
    ("1001", 1000.0),
    ("1002", 1000.0),
    ("0.0010009", 0.001),
    ("0.0011", 0.001),
    ("1e-3", 0.001),
    ("1E-3", 0.001),
    (".5", 0.5),
    ("5.", 5.0),
    ("+2", 2.0),
    ("0", 0.0),
    ("-0", 0.0),
    ("1e-13", 0.0),
    ("1e-6", 0.0),
    ("", 1.0),
    ("abc", 1.0),
    ("1+1", 2.0),
    ("inf", 1.0),
    ("Infinity", 1.0),
    ("nan", 1.0),
    ("1e400", 1.0),
    ("0x10", 16.0),
    ("1_000", 1000.0),
    ("1,5", 1.5),
    ("2 3", 2.0),
    ("1" * 70, 1.0),
    ("__import__('os')", 1.0),
]


def keep(driver, name: str) -> None:
    """A screenshot in $BACKPROP_LAB_SCREENS (when set), to look at the page as a student sees it."""
    folder = os.environ.get("BACKPROP_LAB_SCREENS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def wait(driver, condition, seconds: float = 10):
    WebDriverWait(driver, seconds, poll_frequency=0.05).until(condition)


def dataset(driver, key: str):
    return driver.execute_script(f"return document.body.dataset['{key}'] ?? null")


def rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#questions .question")


def answer(driver, texts) -> None:
    """Type ``texts`` into the question boxes (in order) and press Check."""
    for row, text in zip(rows(driver), texts):
        box = row.find_element(By.TAG_NAME, "input")
        box.clear()
        box.send_keys(text)
    driver.find_element(By.ID, "check").click()


@pytest.fixture
def quiz_page(browser, tmp_path, lecture):
    y, x, w1 = lecture()
    path = viz.save_steps_html(y, tmp_path / "quiz.html", quiz=True)
    browser.get(path.as_uri())
    return browser, y, path


def test_the_script_marks_exactly_as_python_does(quiz_page):
    driver, *_ = quiz_page
    marked = driver.execute_script(
        "const q = window.backpropQuiz;"
        "return arguments[0].map(c => {"
        "  const v = q.readAnswer(c[0]); return v !== null && q.isRight(v, c[1]); });",
        [list(case) for case in CASES],
    )
    python = [mark(typed, expected).right for typed, expected in CASES]
    assert marked == python
    assert 8 <= sum(python) <= len(CASES) - 8  # the table holds both kinds, so agreeing means something


def test_a_backward_step_waits_for_its_answers_right_turns_green_wrong_shows_the_rule(quiz_page):
    driver, y, _ = quiz_page
    steps = viz.backprop_steps(y)
    assert steps[0].kind == "seed" and steps[1].kind == "backward"
    driver.find_element(By.ID, "next").click()
    # Step 1 is held back: the page asks for the gradients of the output's two inputs.
    assert dataset(driver, "step") == "0" and dataset(driver, "asking") == "1"
    names = node_names(y)
    inputs = steps[1].inputs
    labels = [row.find_element(By.TAG_NAME, "label").text for row in rows(driver)]
    assert labels == [f"grad({names[inp.node]}) =" for inp in inputs]
    # The ledger shows the step's node, upstream gradient and inputs, not the rule or the answer.
    shown = driver.execute_script(
        "return [...document.querySelectorAll('#ledger .line')].map(e => e.classList[1])"
    )
    assert {"upstream", "input"} <= set(shown) and not {"rule", "chain", "grad"} & set(shown)
    right, wrong = f"{inputs[0].grad_after:.6g}", "0.5"
    assert mark(right, inputs[0].grad_after).right and not mark(wrong, inputs[1].grad_after).right
    answer(driver, [right, wrong])
    first, second = rows(driver)
    assert "right" in first.get_attribute("class") and first.text.count("Right") == 1
    assert "wrong" in second.get_attribute("class")
    feedback = second.find_element(By.CLASS_NAME, "feedback").text
    assert feedback.startswith("Not 0.5.") and inputs[1].equation in feedback
    assert f"grad({names[inputs[1].node]}) += grad(out) ×" in feedback
    boxes = [r.find_element(By.TAG_NAME, "input") for r in (first, second)]
    background = "return getComputedStyle(arguments[0]).backgroundColor"
    colours = [driver.execute_script(background, b) for b in boxes]
    assert colours == ["rgb(217, 242, 217)", "rgb(248, 215, 215)"]  # green, red
    assert dataset(driver, "step") == "0"  # a wrong answer keeps the step hidden
    keep(driver, "static-quiz-marked")
    answer(driver, [right, f"{inputs[1].grad_after:.6g}"])
    wait(driver, lambda d: dataset(d, "step") == "1")
    assert dataset(driver, "asking") is None
    ledger = [
        float(v)
        for v in driver.execute_script(
            "return [...document.querySelectorAll('#ledger .grad')].map(e => e.dataset.grad)"
        )
    ]
    assert ledger == [inp.grad_after for inp in inputs]


def test_not_a_number_is_wrong_and_the_keys_do_not_step_while_typing(quiz_page):
    driver, y, _ = quiz_page
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    assert dataset(driver, "asking") == "1"
    box = rows(driver)[0].find_element(By.TAG_NAME, "input")
    box.send_keys("abc", Keys.ARROW_RIGHT, Keys.END, Keys.ENTER)  # Enter checks the answers
    assert dataset(driver, "asking") == "1" and dataset(driver, "step") == "0"
    assert "not a number" in rows(driver)[0].text


def test_the_whole_quiz_ends_with_a_summary_of_first_tries(quiz_page):
    driver, y, _ = quiz_page
    steps = viz.backprop_steps(y)
    questions = sum(len(s.inputs) for s in steps if s.kind == "backward")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.END)  # End stops at the first question
    wrong_once = True
    while dataset(driver, "step") != str(len(steps) - 1):
        wait(driver, lambda d: dataset(d, "asking") is not None)
        k = int(dataset(driver, "asking"))
        expected = [f"{inp.grad_after:.6g}" for inp in steps[k].inputs]
        if wrong_once:
            answer(driver, ["12345"] * len(expected))
            wrong_once = False
        answer(driver, expected)
        wait(driver, lambda d, k=k: dataset(d, "step") == str(k))
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.END)
    summary = driver.find_element(By.ID, "summary").text
    first_wrong = len(steps[1].inputs)
    assert summary == (
        f"Quiz done: {questions - first_wrong} of {questions} right at the first try "
        f"({questions + first_wrong} answers checked)"
    )


def test_show_me_reveals_the_step_and_counts_as_wrong(quiz_page):
    driver, y, _ = quiz_page
    steps = viz.backprop_steps(y)
    driver.find_element(By.ID, "next").click()
    driver.find_element(By.ID, "reveal").click()
    assert dataset(driver, "step") == "1" and dataset(driver, "asking") is None
    ledger = driver.execute_script(
        "return [...document.querySelectorAll('#ledger .grad')].map(e => e.dataset.grad)"
    )
    assert [float(v) for v in ledger] == [inp.grad_after for inp in steps[1].inputs]
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT, Keys.ARROW_RIGHT)
    assert dataset(driver, "step") == "1"  # a step once shown is not asked again


def test_names_are_text_never_markup_and_nothing_is_fetched(browser, tmp_path):
    x = autograd.Value(2.0, label="<img src=x onerror=alert(1)>")
    y = autograd.sin(x) * x
    path = viz.save_steps_html(y, tmp_path / "hostile.html", quiz=True)
    source = path.read_text()
    assert "<img src=x" not in source and not re.search(r"<link|@import|url\(", source)
    browser.get(path.as_uri())
    browser.find_element(By.ID, "next").click()
    assert browser.find_elements(By.CSS_SELECTOR, "#quiz img, #ledger img, #graph img") == []
    labels = [row.find_element(By.TAG_NAME, "label").text for row in rows(browser)]
    assert any("<img src=x onerror=alert(1)>" in label for label in labels)
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0


def test_a_plain_player_asks_nothing(browser, tmp_path, lecture):
    y, *_ = lecture()
    browser.get(viz.save_steps_html(y, tmp_path / "plain.html").as_uri())
    browser.find_element(By.ID, "next").click()
    assert dataset(browser, "step") == "1" and browser.find_elements(By.ID, "quiz") == []
    assert browser.execute_script("return window.backpropQuiz === undefined")


def test_quiz_must_be_true_or_false(tmp_path, lecture):
    y, *_ = lecture()
    with pytest.raises(TypeError, match="quiz must be True or False, got 'yes'"):
        viz.save_steps_html(y, tmp_path / "q.html", quiz="yes")
    assert not (tmp_path / "q.html").exists()
