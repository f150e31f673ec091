"""The support card's baseline weak spots, fixed at their edges (processors/baseline.py): a fault told without
a complaint word is a complaint, a brush-off scores below the base, politeness by item rather than by marker
count, and a transfer is a next step."""

from __future__ import annotations

import pytest

from processors.baseline import Turn, baseline_scores
from processors.scorecard import ScorecardRegistry
from processors.scoring import DEFAULT_CRITERIA

SUPPORT = ScorecardRegistry.load().get("support")
A, C = "agent", "customer"


def scores(turns: list[tuple[str, str]]) -> dict:
    return baseline_scores([Turn(r, t) for r, t in turns], SUPPORT.llm_criteria)


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("My internet keeps dropping every evening.", "internet keeps dropping"),
        ("Мне не пришло подтверждение брони.", "не пришло"),
        ("The app crashes when I pay.", "app crashes"),
        ("My card got declined at the store.", "got declined"),
        ("I still haven't seen the refund on my card.", "still haven't"),
        ("У меня за подписку списали дважды.", "списали дважды"),
        ("Курьер так и не приехал.", "так и не"),
        ("I was charged for a channel I never ordered.", "never ordered"),
    ],
)
def test_a_fault_without_a_complaint_word_is_a_complaint_to_handle(said: str, found: str) -> None:
    got = scores([(C, said), (A, "OK.")])["complaint_handling"]
    # before, "no complaint" (80); now a complaint nobody took up: the base 20
    assert got.value == 20.0, got.reasoning
    assert f"'{found}'" in got.reasoning


@pytest.mark.parametrize(
    "said",
    [
        "What time do you open on Sunday?",
        "Подскажите, до скольки работает офис?",
        "I'd like to change my plan.",
    ],
)
def test_a_call_with_no_fault_has_nothing_to_handle(said: str) -> None:
    got = scores([(C, said), (A, "Sure.")])["complaint_handling"]
    assert got.value == 80.0 and "nothing to handle" in got.reasoning


@pytest.mark.parametrize(
    "said",
    [
        "That's not our problem.",
        "Это не наша проблема.",
        "Ничем не могу помочь.",
        "I can't help you with that.",
        "You have to call the bank.",
        "Звоните в банк.",
        "Обращайтесь к производителю.",
        "There's nothing I can do.",
    ],
)
def test_brushing_the_complaint_off_scores_below_the_base(said: str) -> None:
    got = scores([(C, "My internet keeps dropping."), (A, said)])["complaint_handling"]
    assert got.value is not None and got.value < 20, got.reasoning
    assert "brushed off" in got.reasoning


@pytest.mark.parametrize(
    "said",
    [
        # the other team takes it: a hand-over, no brush-off
        "I can't help you with that, but let me transfer you to billing.",
        "Ничем не могу помочь, но сейчас переключу вас на бухгалтерию.",
        # sent to the bank for its part, the agent's part done: answered
        "I've unblocked the card on our side. Call the bank to lift their block too.",
        # asked, not said
        "Have you tried to call the bank?",
    ],
)
def test_a_hand_over_or_an_answer_is_no_brush_off(said: str) -> None:
    got = scores([(C, "My card got declined."), (A, said)])["complaint_handling"]
    assert got.value is not None and got.value >= 20, got.reasoning
    assert "brushed off" not in got.reasoning


def test_an_apology_then_a_brush_off_is_below_the_apology_alone() -> None:
    apology = scores([(C, "My internet keeps dropping."), (A, "I'm sorry to hear that.")])
    brushed = scores([(C, "My internet keeps dropping."), (A, "I'm sorry, you have to call the provider.")])
    assert brushed["complaint_handling"].value < apology["complaint_handling"].value


def test_a_fix_the_customer_says_still_fails_is_no_answer() -> None:
    turns = [(C, "My TV box keeps freezing."), (A, "I've reset it, it should work now.")]
    held = scores([*turns, (C, "Yes, it works now.")])["complaint_handling"]
    failed = scores([*turns, (C, "No, it still doesn't work.")])["complaint_handling"]
    assert held.value == 70.0 and failed.value == 20.0, (held.reasoning, failed.reasoning)


def test_why_in_a_statement_asks_nothing() -> None:
    said = "I can see the return arrived, but not why the refund hasn't gone out. I'll call you back."
    stated = scores([(C, "I still haven't seen my refund."), (A, said)])["complaint_handling"]
    asked = scores([(C, "I still haven't seen my refund."), (A, "Why did you return it?")])[
        "complaint_handling"
    ]
    assert "no clarifying question" in stated.reasoning
    assert "clarifying question 'why'" in asked.reasoning


def _politeness(turns: list[tuple[str, str]], criteria=None) -> float:
    got = baseline_scores([Turn(r, t) for r, t in turns], criteria or SUPPORT.llm_criteria)["politeness"]
    assert got.value is not None
    return got.value


def test_a_formal_opening_counts_once() -> None:
    greeting = _politeness([(A, "Hello.")])
    full = _politeness([(A, "Hello, this is Anna from Brightline. How can I help you?")])
    # greeting + introduction + offer of help are one item (an opening), not three: 35, where 12 each gave 36
    assert (greeting, full) == (60.0, 75.0)
    # the warmth an analyst looks for counts as much: thanks, an apology, a goodbye, with no opening at all
    warm = _politeness([(C, "Hi."), (A, "Thank you. I'm sorry for the wait. Have a nice day.")])
    assert warm == full


def test_an_apology_is_due_for_the_customers_problem() -> None:
    opening_and_goodbye = [(A, "Hello, this is Anna. How can I help?"), (A, "Goodbye.")]
    question = _politeness([(C, "What time do you open?"), *opening_and_goodbye])
    problem = _politeness([(C, "My internet keeps dropping."), *opening_and_goodbye])
    apologised = _politeness([(C, "My internet keeps dropping."), (A, "I'm sorry."), *opening_and_goodbye])
    assert (question, problem, apologised) == (90.0, 70.0, 90.0)
    # a price objection is no problem: no apology is due for "too expensive"
    assert _politeness([(C, "That's too expensive."), *opening_and_goodbye], DEFAULT_CRITERIA) == 90.0


def test_a_formal_agent_who_cannot_help_is_at_most_the_rubrics_55() -> None:
    # the support rubric: "I can't help you, but thank you for calling" is about 55
    said = "Hello, this is Anna. I'm sorry, I can't help you with that. Thank you for calling, goodbye."
    got = baseline_scores([Turn(C, "My card got declined."), Turn(A, said)], SUPPORT.llm_criteria)[
        "politeness"
    ]
    assert got.value == 55.0 and "sent elsewhere unanswered" in got.reasoning
    handed = said.replace(
        "I can't help you with that.", "I can't help you with that, but let me transfer you."
    )
    assert _politeness([(C, "My card got declined."), (A, handed)]) == 90.0


@pytest.mark.parametrize(
    "said",
    [
        "Let me finish!",
        "Let me finish, please.",
        "Don't interrupt me.",
        "Stop interrupting, sir.",
        "Не перебивайте.",
        "Дайте договорить!",
        "That's not our problem.",
    ],
)
def test_talking_over_the_customer_is_rude(said: str) -> None:
    # one rude marker costs 30: below the fatal pass threshold of 30 (a "please" in it earns 10 back)
    assert _politeness([(C, "Where is my refund?"), (A, said)], DEFAULT_CRITERIA) < 30


@pytest.mark.parametrize(
    "said", ["Let me finish checking your account.", "Sorry, I didn't mean to interrupt you."]
)
def test_finishing_work_or_apologising_for_an_interruption_is_not_rude(said: str) -> None:
    assert _politeness([(C, "Where is my refund?"), (A, said)], DEFAULT_CRITERIA) >= 40.0


@pytest.mark.parametrize(
    ("said", "label"),
    [
        ("I'll transfer you to billing now.", "yes"),
        ("I'm transferring you to our claims team, please stay on the line.", "yes"),
        ("Соединяю вас со специалистом.", "yes"),
        ("Я переведу вас в отдел претензий.", "yes"),
        # offered or refused: the customer does not know what happens next
        ("Can I transfer you to billing?", "no"),
        ("I can't transfer you, sorry.", "no"),
    ],
)
def test_a_transfer_said_as_it_happens_is_a_next_step(said: str, label: str) -> None:
    got = scores([(C, "There's a charge I don't recognise."), (A, said)])
    assert got["next_steps"].label == label, got["next_steps"].reasoning
    # and it stays a hand-over
    assert got["issue_resolved"].label == ("escalated" if label == "yes" else "unresolved")
