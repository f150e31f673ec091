"""processors.numbers: number words → digits, and a wrong number never comes out."""

from __future__ import annotations

import pytest

from processors.numbers import NUMBER_WORDS, expand_repeats, normalise_numbers
from processors.text import WORD_RE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # zero is a digit of its own ("70 1" before: the zero of a dictated number vanished)
        ("семьдесят ноль один", "70 0 1"),
        ("восемь девятьсот сорок ноль двенадцать", "8 940 0 12"),
        ("twenty zero one", "20 0 1"),
        # a singular "тысяча" takes only a count that ends in one ("4111 111000 ..." before)
        ("четыре тысячи сто одиннадцать тысяча сто одиннадцать", "4111 1111"),
        ("двадцать одна тысяча", "21000"),
        ("двадцать одну тысячу рублей", "21000 рублей"),
        ("сто одиннадцать тысяч", "111000"),
        # a count in digits takes the multiplier ("5 1000" before)
        ("5 тысяч рублей", "5000 рублей"),
        ("2,5 миллиона рублей", "2500000 рублей"),
        ("1,25 тысячи", "1250"),
        ("15 thousand dollars", "15000 dollars"),
        ("2.5 million dollars", "2500000 dollars"),
        ("5 hundred dollars", "500 dollars"),
        ("5 тысяч пятьсот рублей", "5500 рублей"),
        # an ordinal ends the number ("2020 четвёртом", "30 первого" before)
        ("в две тысячи двадцать четвёртом году", "в 2024-м году"),
        ("в две тысячи двадцать четвертом году", "в 2024-м году"),
        ("в 2 тысячи двадцать четвёртом году", "в 2024-м году"),
        ("тридцать первого числа", "31-го числа"),
        ("тысяча девятьсот восемьдесят пятого года", "1985-го года"),
        ("двадцать первый век", "21-й век"),
        ("двадцать третья линия", "23-я линия"),
        ("в две тысячи первом", "в 2001-м"),
        ("сто одиннадцатыми", "111-ми"),
        ("the twenty first of May", "the 21st of May"),
        ("twenty-third", "23rd"),
        ("one hundred and first", "101st"),
        ("ninety-ninth", "99th"),
        # one and a half, oblique cases ("полторы 1000", "около двух 1000" before)
        ("полторы тысячи", "1500"),
        ("полутора тысяч рублей", "1500 рублей"),
        ("полтора миллиона", "1500000"),
        ("около двух тысяч", "около 2000"),
        ("для шести человек", "для 6 человек"),
        ("без пяти минут", "без 5 минут"),
        ("в трёх местах", "в 3 местах"),
        ("в трех местах", "в 3 местах"),
        ("около сорока пяти минут", "около 45 минут"),
        ("со ста двадцатью рублями", "со 120 рублями"),
        ("с тремястами шестьюдесятью семью рублями", "с 367 рублями"),  # "семью" after a count: seven
        ("до двухсот рублей", "до 200 рублей"),
        ("о четырехстах тысячах", "о 400000"),
        ("одиннадцати", "11"),
        ("двадцати одного года", "21 года"),
        # a multiplier does not add up with the same or a smaller one ("10000" before)
        ("пять тысяч пять тысяч", "5000 5000"),
        ("три тысячи два миллиона", "3000 2000000"),
        # "and" between two numbers stays ("5 6" before)
        ("five and six", "5 and 6"),
        # regressions: what worked before still does
        ("две тысячи девятьсот девяносто рублей", "2990 рублей"),
        ("twenty-nine dollars", "29 dollars"),
        ("two hundred and fifty thousand", "250000"),
        ("тысяча рублей", "1000 рублей"),
        ("тысяча двадцать", "1020"),
        ("Это стоит 2 990 рублей", "Это стоит 2990 рублей"),
        ("восемь девятьсот шестнадцать сто двадцать три", "8 916 123"),
        ("Код пять пять пять", "Код 5 5 5"),
        ("Номер сорок пять сорок пять", "Номер 45 45"),
        ("I have three kids", "I have 3 kids"),
        ("Пять Тысяч", "5000"),
        ("сто-летний", "100-летний"),
        ("две третьих", "2 третьих"),  # a fraction: the ordinal does not follow "две"
        ("two thirds", "2 thirds"),
    ],
)
def test_number_words_become_digits(text, expected):
    assert normalise_numbers(text) == expected
    assert normalise_numbers(text, WORD_RE.findall(text.lower())) == expected


@pytest.mark.parametrize(
    "text",
    [
        "no one knows, one second",
        "с одной стороны",
        "одним словом",
        "около сорока минут",  # "сорока" alone is also a magpie
        "сорока-воровка",
        "до ста",
        "Он хотел стать врачом",
        "начать с нуля",
        "люблю свою семью",  # "семью" is "family", not seven
        "за семью печатями",  # alone: "seven" or "family", unsure
        "полтора часа",  # 1.5 is no integer
        "тысячи людей",  # thousands of people
        "десятки тысяч",
        "миллионов клиентов",
        "около тысячи",  # a thousand or thousands: unsure
        "1 200 тысяч",  # "200 тысяч" would drop the "1"
        "2 990 тысяч",
        "1,500 thousand",  # 1.5 thousand, or an English 1500 thousand
        "-5 тысяч",
        "0 тысяч",
        "a twenty second pause",  # 22nd, or twenty seconds
        "the twenty second of May",
        "в первую очередь",  # a lone ordinal
        "first of all",
        "one third",
    ],
)
def test_unsure_numbers_stay_in_words(text):
    assert normalise_numbers(text) == text


def test_number_words_hold_every_oblique_form_spelt_with_e():
    for word in ("трёх", "трех", "четырёхсот", "четырехсот", "трёмстам", "тремстам", "нулём", "нулем"):
        assert word in NUMBER_WORDS
    # "семью" ("family" too) is one of them, but a number only in a run: alone it stays a word
    assert "семью" in NUMBER_WORDS and normalise_numbers("люблю свою семью") == "люблю свою семью"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a range keeps its hyphen: "200 300 рублей" was then joined as thousands (200300)
        ("двести-триста рублей", "200-300 рублей"),
        ("сто-сто пятьдесят рублей", "100-150 рублей"),
        ("триста пятьсот рублей", "300 500 рублей"),  # two amounts said in a row, never 300500
        ("2 990 рублей", "2990 рублей"),  # digits written with a thousands space still join
        # "hundred" after hundreds starts the next number ("50600" before)
        ("five hundred six hundred dollars", "500 600 dollars"),
        ("five hundred six dollars", "506 dollars"),
        # digits dictated after hundreds (a toll-free number) are digits, not "805 5 5"
        ("eight hundred five five five one two", "800 5 5 5 1 2"),
        ("восемьсот пять пять пять", "800 5 5 5"),
        ("nine hundred two six hundred", "902 600"),  # "six" counts the next hundreds
        ("ноль сорок три", "0 43"),  # a phone's group after a zero, never a colloquial price
        ("девятьсот три ноль десять", "903 0 10"),  # a phone code: only 800 is said that way
    ],
)
def test_ranges_and_amounts_said_in_a_row_stay_apart(text, expected):
    assert normalise_numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "two ninety-nine a month",  # 2.99 or 299 said the short way, never "2 99"
        "девять девяносто девять рублей",
        "от пяти до шести тысяч рублей",  # the multiplier is the range's: never "от 5 до 6000"
        "between five and six thousand dollars",
        "семь-восемь тысяч",
    ],
)
def test_a_colloquial_price_or_a_range_with_one_multiplier_stays_in_words(text):
    assert normalise_numbers(text) == text


def test_dictated_pairs_still_become_digits():
    assert normalise_numbers("сорок пять сорок пять") == "45 45"
    # a unit and a teen alone may be a time or a room ("two fifteen"): in words; in a dictation, digits
    assert normalise_numbers("nine sixteen") == "nine sixteen"
    assert normalise_numbers("call nine one six, nine sixteen") == "call 9 1 6, 9 16"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("four fifteen, five fifty-five, oh one thirty-four", "4 15, 5 55, 0 1 34"),
        ("сорок два семьдесят шесть, тридцать восемь ноль ноль", "42 76, 38 0 0"),
        ("thirty-eight hundred", "38 00"),
        ("двенадцать тридцать четыре", "12 34"),  # a tens word takes the unit after it, not the one before
        ("девятьсот двадцать пять, три семёрки, две двойки", "925, 7 7 7, 2 2"),
        ("nine one seven, triple five, double seven double eight", "9 1 7, 5 5 5, 7 7 8 8"),
        ("no numbers here", "no numbers here"),
        # a thousand or a hundred said alone is the number, not its zeros (the 1 was lost)
        ("ой, то есть тысяча шестьсот двадцать два", "ой, то есть 1000 622"),
        ("a hundred and five", "a 100 and 5"),
        ("пять тысяч сто", "5 000 100"),
        # "oh" in a run before a number word is a zero each; alone, a word
        ("T L seven oh oh two twenty one", "T L 7 0 0 2 21"),
        ("Oh oh, I see.", "Oh oh, I see."),
        ("four oh double one", "4 0 1 1"),  # before a digit too, once the double is digits
    ],
)
def test_dictated_digits_reads_each_group_as_said(text, expected):
    from processors.numbers import dictated_digits

    assert dictated_digits(text) == expected


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("Две тройки, пять, пятёрка, две девятки, 784, 36", "3 3, 5, 5, 9 9, 784, 36"),
        ("Один, два нолика, восьмёрка, пять, четыре", "Один, 0 0, 8, 5, 4"),
        (
            "1892, девятка, две единицы, шесть, два, четыре, единица, это счёт.",
            "1892, 9, 1 1, 6, 2, 4, 1, это счёт.",
        ),
    ],
)
def test_a_digit_named_by_its_noun_in_a_dictation(said, digits):
    assert normalise_numbers(expand_repeats(said)) == digits


@pytest.mark.parametrize("said", ["Сын получил пятёрку по математике.", "Автобус семёрка идёт до вокзала."])
def test_a_digit_noun_alone_is_a_word(said):
    assert expand_repeats(said) == said


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("писят один шисят девять восемсот семьдесят сем два", "51 69 877 2"),
        ("пятсот двадцать девять, сто шейсят семь, девятсот", "529, 167, 900"),
        ("две тыщи семсот рублей", "2700 рублей"),
        ("nine oh five niner", "9 oh 5 9"),
        ("nought seven", "0 7"),
    ],
)
def test_digits_as_fast_speech_and_radio_say_them(said, digits):
    assert normalise_numbers(said) == digits


def test_a_lone_archaic_sem_stays_a_word():
    assert normalise_numbers("и о сем забудем") == "и о сем забудем"
