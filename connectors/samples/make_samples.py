"""Generate deterministic sample telephone calls for tests and demos.

Each call is a declarative list of turns. Every turn is synthesized (English with Festival's
``ked_diphone`` and ``cmu_us_slt_arctic_hts`` voices, Russian with its ``msu_ru_nsh_clunits`` voice,
the agent's pitched up to sound like a second speaker), resampled
with ``sox`` and placed on the call timeline on its role's channel (agent = left/0, customer =
right/1; mono calls mix both roles into one channel). For every call the script writes:

* ``<call_id>.wav`` -- the recording (G.711 mu-law or 16-bit PCM),
* ``<call_id>.timeline.json`` -- ground-truth turn boundaries measured on the synthesized audio,
* one ``CallCompleted`` event line in ``calls.jsonl``.

Usage: ``python connectors/samples/make_samples.py`` (needs ``sox`` and Festival's ``text2wave`` on
PATH: ``apt-get install sox festival festvox-kdlpc16k festvox-us-slt-hts festvox-ru``; ``espeak-ng``
only for a voice without the ``festival:`` prefix).
Output is byte-identical between runs.
"""

from __future__ import annotations

import array
import itertools
import json
import math
import random
import shutil
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

SAMPLES_DIR = Path(__file__).resolve().parent
CALLS_JSONL = SAMPLES_DIR / "calls.jsonl"

Role = Literal["agent", "customer"]
Language = Literal["en", "ru"]

ESPEAK_SPEED = 140  # words per minute
ESPEAK_PITCH = 50
ESPEAK_WORD_GAP = 2  # extra pause between words, units of 10 ms
SPEECH_THRESHOLD = 0.005  # fraction of full scale that counts as speech when measuring boundaries
MAX_PAUSE = 0.3  # longer pauses inside a Festival turn are cut to this, seconds (its sentence breaks
# run to 0.7 s: VAD would split the turn in two and talk time would fall short of the timeline). Silero's
# onsets move by up to 0.2 s when a call shifts by a few ms, so caps 0.25-0.35 were each tried with the
# calls shifted by 0-21 ms: from 0.3 to 0.35 the English calls' VAD metrics stay within 0.29 s of the
# timeline; none was better on all counts (tiny.en dropped two short turns at 0.34), 0.3 has the best WER
FESTIVAL_TAIL_THRESHOLD = 0.01  # a Festival turn ends at its last sample above this fraction of full scale
# (-40 dBFS): both voices leave up to 0.11 s of residue at about -45 dBFS after the last phoneme, which
# VAD does not hear as speech; kept, it put the timeline's ends past the speech (silence_s 0.3 s short)
TURN_PEAK_DBFS = -3.0  # every turn is peak-normalized to this level
NOISE_AMPLITUDE = 6  # deterministic background hiss, in 16-bit LSBs (about -75 dBFS)
TAIL_SILENCE = 0.5  # minimum silence after the last turn, seconds
FULL_SCALE = 32767
FESTIVAL = "festival:"  # voice prefix: synthesize with Festival's text2wave instead of espeak-ng
EN_MALE = FESTIVAL + "ked_diphone"  # festvox-kdlpc16k: US English male diphone voice
EN_FEMALE = FESTIVAL + "cmu_us_slt_arctic_hts"  # festvox-us-slt-hts: US English female HTS voice
# festvox-ru: Russian male unit-selection voice, Debian's only Russian one (its durations are the
# recorded units': Duration_Stretch changes nothing). Whisper base heard espeak-ng's Russian as noise
# (WER 0.98 on these turns at 8 kHz), this voice at 0.33-0.38. A ``+cents`` suffix pitches a voice up:
# the agent sounds like a second speaker.
RU_MALE = FESTIVAL + "msu_ru_nsh_clunits"
RU_FEMALE = RU_MALE + "+350"


@dataclass(frozen=True)
class Turn:
    """One utterance.

    ``start`` is either absolute seconds (float) or a string offset relative to the end of the
    previous turn: ``"+0.8"`` leaves a 0.8 s gap, ``"-0.7"`` starts 0.7 s before it ends (overtalk).
    """

    role: Role
    start: float | str
    text: str
    language: Language


@dataclass(frozen=True)
class CallSpec:
    """A call script plus the metadata for its CallCompleted event."""

    call_id: str
    layout: Literal["stereo", "mono"]
    sample_rate: int
    encoding: Literal["u-law", "pcm16"]
    voices: dict[Role, str]
    turns: tuple[Turn, ...]
    started_at: datetime
    direction: Literal["inbound", "outbound"]
    agent: dict[str, str]
    customer_number: str
    queue: Literal["sales", "support"]
    language: Language
    crm: dict[str, str]


def _t(role: Role, start: float | str, text: str, language: Language = "en") -> Turn:
    return Turn(role, start, text, language)


_START = datetime(2026, 11, 20, 10, 0, 0, tzinfo=UTC)

CALLS: tuple[CallSpec, ...] = (
    CallSpec(
        call_id="sample-en-sale",
        layout="stereo",
        sample_rate=8000,
        encoding="u-law",
        voices={"agent": EN_MALE, "customer": EN_FEMALE},
        turns=(
            _t("agent", 0.5, "Good morning, this is Daniel from Brightline Telecom."),
            _t("customer", "+0.8", "Hi. Sure, what is this about?"),
            _t(
                "agent",
                "+0.7",
                "The premium plan costs 39 dollars per month, and the basic plan is 19 dollars.",
            ),
            _t("customer", "-0.7", "Honestly, that is too expensive for us."),
            _t(
                "agent",
                "+0.9",
                "I understand. You can start with a free trial for fourteen days, with no risk.",
            ),
            _t("customer", "+1.2", "Okay, a trial sounds good."),
            _t("agent", "+0.6", "Great. I will send you the contract today."),
            _t("customer", "+0.7", "Thank you. Goodbye."),
        ),
        started_at=_START,
        direction="outbound",
        agent={"id": "a-102", "name": "Daniel Brooks"},
        customer_number="+15551234567",
        queue="sales",
        language="en",
        crm={"deal_id": "D-1001", "stage": "proposal", "account": "Acme Logistics"},
    ),
    CallSpec(
        call_id="sample-en-complaint",
        layout="stereo",
        sample_rate=8000,
        encoding="pcm16",
        voices={"agent": EN_FEMALE, "customer": EN_MALE},
        turns=(
            _t("agent", 0.4, "Brightline support, this is Emily. How can I help you?"),
            _t("customer", "+0.7", "Hi. I was charged twice for my subscription."),
            _t("agent", "+0.3", "Uh-huh."),
            _t("customer", "+0.4", "If this is not fixed, I will cancel, and talk to my lawyer."),
            _t("agent", "+0.8", "I am very sorry. One moment please, let me check."),
            _t("agent", "+5.0", "Thank you for waiting. I have refunded the double charge."),
            _t("customer", "+0.6", "Okay."),
            _t("customer", "+0.9", "Thanks. Bye."),
        ),
        started_at=_START + timedelta(minutes=30),
        direction="inbound",
        agent={"id": "a-103", "name": "Emily Carter"},
        customer_number="+15557654321",
        queue="support",
        language="en",
        crm={"deal_id": "D-1002", "ticket_id": "T-5531"},
    ),
    CallSpec(
        call_id="sample-ru-sale",
        layout="stereo",
        sample_rate=8000,
        encoding="pcm16",
        voices={"agent": RU_FEMALE, "customer": RU_MALE},
        turns=(
            _t("agent", 0.5, "Здравствуйте, компания Альфа, меня зовут Анна, чем могу помочь?", "ru"),
            _t("customer", "+0.8", "Добрый день. Сколько стоит тариф для бизнеса?", "ru"),
            _t("agent", "+0.6", "Тариф стоит две тысячи девятьсот девяносто рублей в месяц.", "ru"),
            _t("customer", "+0.3", "Угу.", "ru"),
            _t("agent", "+0.4", "В него входит безлимитный интернет.", "ru"),
            _t("customer", "+1.0", "Хм, это дорого.", "ru"),
            _t("agent", "+0.7", "Могу предложить скидку двадцать процентов на три месяца.", "ru"),
            _t("customer", "+1.1", "Хорошо, давайте.", "ru"),
            _t("agent", "+0.5", "Отлично, договор пришлю сегодня.", "ru"),
        ),
        started_at=_START + timedelta(hours=1),
        direction="inbound",
        agent={"id": "a-101", "name": "Anna Petrova"},
        customer_number="+79161234567",
        queue="sales",
        language="ru",
        crm={"deal_id": "D-1003", "stage": "negotiation"},
    ),
    CallSpec(
        call_id="sample-en-mono",
        layout="mono",
        sample_rate=16000,
        encoding="pcm16",
        voices={"agent": EN_MALE, "customer": EN_FEMALE},
        turns=(
            _t("agent", 0.4, "Hello, this is Mark. How can I help?"),
            _t("customer", "+0.7", "Hi Mark, I want to change my delivery address."),
            _t("agent", "+0.6", "Sure, what is the new address?"),
            _t("customer", "+0.9", "Twelve Oak Street, Springfield."),
            _t("customer", "+0.5", "Thank you. Bye."),
        ),
        started_at=_START + timedelta(hours=1, minutes=30),
        direction="inbound",
        agent={"id": "a-104", "name": "Mark Wilson"},
        customer_number="+15550001111",
        queue="support",
        language="en",
        crm={"deal_id": "D-1004", "account": "Springfield Books"},
    ),
)


def _run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def synthesize(text: str, voice: str, rate: int, workdir: Path) -> array.array:
    """Speak ``text`` with Festival (``festival:<voice>``) or espeak-ng and return trimmed,
    peak-normalized mono int16 samples at ``rate``."""
    raw_wav = workdir / "tts.wav"
    pcm = workdir / "turn.raw"
    voice, _, cents = voice.partition("+") if voice.startswith(FESTIVAL) else (voice, "", "")
    if voice.startswith(FESTIVAL):
        name = voice.removeprefix(FESTIVAL)
        text_file = workdir / "turn.txt"
        text_file.write_text(text + "\n", encoding="utf-8")
        _run(["text2wave", "-eval", f"(voice_{name})", "-o", str(raw_wav), str(text_file)])
    else:
        _run(
            [
                "espeak-ng",
                "-v",
                voice,
                "-s",
                str(ESPEAK_SPEED),
                "-p",
                str(ESPEAK_PITCH),
                "-g",
                str(ESPEAK_WORD_GAP),
                "-w",
                str(raw_wav),
                text,
            ]
        )
    _run(
        [
            "sox",
            "-R",
            "-D",
            str(raw_wav),
            "-t",
            "raw",
            "-e",
            "signed-integer",
            "-b",
            "16",
            "-c",
            "1",
            "-L",
            str(pcm),
            *(["pitch", cents] if cents else []),
            "rate",
            "-h",
            str(rate),
            "norm",
            str(TURN_PEAK_DBFS),
        ]
    )
    samples = array.array("h", pcm.read_bytes())
    if sys.byteorder == "big":
        samples.byteswap()
    threshold = SPEECH_THRESHOLD * FULL_SCALE
    loud = [i for i, s in enumerate(samples) if abs(s) > threshold]
    if not loud:
        raise RuntimeError(f"{voice} produced silence for {text!r}")
    if not voice.startswith(FESTIVAL):
        return samples[loud[0] : loud[-1] + 1]
    tail = FESTIVAL_TAIL_THRESHOLD * FULL_SCALE
    while abs(samples[loud[-1]]) <= tail:  # drop the residue after the last phoneme
        loud.pop()
    half = round(MAX_PAUSE * rate) // 2
    speech = array.array("h")
    keep_from = loud[0]
    for prev, nxt in itertools.pairwise(loud):
        if nxt - prev > 2 * half:  # a long pause: keep its first and last MAX_PAUSE / 2
            speech.extend(samples[keep_from : prev + 1 + half])
            keep_from = nxt - half
    speech.extend(samples[keep_from : loud[-1] + 1])
    return speech


def render(call: CallSpec, workdir: Path) -> tuple[list[array.array], list[dict[str, object]], float]:
    """Lay the call's turns out on a timeline; return per-channel samples, timeline turns, duration."""
    rate = call.sample_rate
    placed: list[tuple[int, int, array.array]] = []
    timeline: list[dict[str, object]] = []
    prev_end = 0.0
    for turn in call.turns:
        speech = synthesize(turn.text, call.voices[turn.role], rate, workdir)
        start = prev_end + float(turn.start) if isinstance(turn.start, str) else turn.start
        offset = round(start * rate)
        channel = 0 if call.layout == "mono" or turn.role == "agent" else 1
        placed.append((channel, offset, speech))
        prev_end = (offset + len(speech)) / rate
        timeline.append(
            {
                "role": turn.role,
                "channel": channel,
                "start": round(offset / rate, 3),
                "end": round(prev_end, 3),
                "text": turn.text,
                "language": turn.language,
            }
        )
    duration = float(math.ceil(max(t["end"] for t in timeline) + TAIL_SILENCE))  # type: ignore[type-var]
    n_channels = 2 if call.layout == "stereo" else 1
    n = int(duration * rate)
    rng = random.Random(zlib.crc32(call.call_id.encode()))
    mix = [[rng.randint(-NOISE_AMPLITUDE, NOISE_AMPLITUDE) for _ in range(n)] for _ in range(n_channels)]
    for channel, offset, speech in placed:
        track = mix[channel]
        for i, s in enumerate(speech):
            track[offset + i] += s
    channels = [array.array("h", (max(-FULL_SCALE, min(FULL_SCALE, s)) for s in track)) for track in mix]
    return channels, timeline, duration


def write_wav(call: CallSpec, channels: list[array.array], path: Path, workdir: Path) -> None:
    """Interleave channels and encode them with sox into a WAV file of the call's encoding."""
    interleaved = array.array("h", bytes(2 * len(channels[0]) * len(channels)))
    for c, samples in enumerate(channels):
        interleaved[c :: len(channels)] = samples
    if sys.byteorder == "big":
        interleaved.byteswap()
    raw = workdir / "call.raw"
    raw.write_bytes(interleaved.tobytes())
    pcm16 = ["-e", "signed-integer", "-b", "16"]
    encoding = ["-e", "u-law", "-b", "8"] if call.encoding == "u-law" else pcm16
    _run(
        [
            "sox",
            "-R",
            "-D",
            "-t",
            "raw",
            "-e",
            "signed-integer",
            "-b",
            "16",
            "-L",
            "-c",
            str(len(channels)),
            "-r",
            str(call.sample_rate),
            str(raw),
            "-t",
            "wav",
            *encoding,
            str(path),
        ]
    )


def _iso(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def call_completed(call: CallSpec, duration: float) -> dict[str, object]:
    """Build the CallCompleted event for a generated call."""
    audio: dict[str, object] = (
        {"layout": "stereo", "channels": {"0": "agent", "1": "customer"}}
        if call.layout == "stereo"
        else {"layout": "mono", "channels": {}}
    )
    return {
        "call_id": call.call_id,
        "tenant": "demo",
        "source": "samples",
        "direction": call.direction,
        "started_at": _iso(call.started_at),
        "ended_at": _iso(call.started_at + timedelta(seconds=duration)),
        "agent": call.agent,
        "customer": {"number": call.customer_number},
        "queue": call.queue,
        "recording_uri": f"samples/{call.call_id}.wav",
        "audio": audio,
        "language": call.language,
        "crm": call.crm,
    }


def main() -> None:
    """Regenerate every sample call, timeline and ``calls.jsonl`` in place."""
    for tool in ("sox", "text2wave"):
        if shutil.which(tool) is None:
            sys.exit(
                f"{tool} not found on PATH "
                "(apt-get install sox festival festvox-kdlpc16k festvox-us-slt-hts festvox-ru)"
            )
    events: list[str] = []
    with tempfile.TemporaryDirectory(prefix="callstream-samples-") as tmp:
        workdir = Path(tmp)
        for call in CALLS:
            channels, turns, duration = render(call, workdir)
            write_wav(call, channels, SAMPLES_DIR / f"{call.call_id}.wav", workdir)
            timeline = {"call_id": call.call_id, "duration": duration, "layout": call.layout, "turns": turns}
            (SAMPLES_DIR / f"{call.call_id}.timeline.json").write_text(
                json.dumps(timeline, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            events.append(json.dumps(call_completed(call, duration), ensure_ascii=False))
            print(f"{call.call_id}: {duration:.0f} s, {len(turns)} turns")
    CALLS_JSONL.write_text("\n".join(events) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
