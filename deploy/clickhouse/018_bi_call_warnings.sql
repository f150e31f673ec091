-- bi_call_warnings: one row per call and warning of `calls.warnings` (migration 008), with the kind of
-- each warning told from its wording, so Grafana panels, docs/bi.md and an integrator's own queries
-- count "calls whose event disagrees with its recording" the same way without repeating the prefixes.
--
-- `calls.warnings` holds the transcribe stage's doubts first (processors/audio.py load_call_audio,
-- processors/transcribe.py duration_doubt and swapped_channels_doubt), then the scorer's
-- (ml/llm.py: the transcript cut to fit the model's context). The texts are worded for people and
-- carry no code, so the kind below matches the start of each text as the code writes it; a wording
-- this view does not know reads kind 'other' (never dropped). tests/integration/test_bi.py feeds the
-- view the texts the real code writes, so a reworded message fails a test instead of turning 'other'.
--
-- kind                      event_mismatch  what
-- mono_declared_stereo      1               a one-channel recording, the event says stereo
-- stereo_declared_mono      1               two different channels, the event says mono
-- one_mix_declared_stereo   1               one mix written to both channels, the event says stereo
-- channel_map_incomplete    1               audio.channels names one channel only
-- duration_mismatch         1               started_at..ended_at far from the recording's length
-- channels_swapped          1               the channel map looks swapped (a hint from the text)
-- extra_channels            0               more than two channels, downmixed
-- recording_truncated       0               shorter than its header says (a copy cut short)
-- recording_still_written   0               the recorder had not finished the file
-- transcript_cut            0               the scorer's LLM read a transcript cut to fit its context
-- other                     0               a warning of another wording
--
-- event_mismatch = 1: the event (the PBX or connector mapping) disagrees with the recording, which is
-- what an integrator fixes in the mapping. stage: 'transcribe' or 'score' where the kind tells it,
-- '' for 'other'. `warning_no` is the warning's place in calls.warnings (1-based).
--
-- A plain view over `calls FINAL` (006_bi.sql says why): the newest processing of each call, rows
-- stored before this migration included, no backfill. Idempotent (CREATE OR REPLACE VIEW).

CREATE OR REPLACE VIEW bi_call_warnings AS
SELECT
    call_id,
    tenant,
    source,
    toDate(started_at)                                  AS day,
    started_at,
    ifNull(queue, '')                                   AS queue,
    agent_id,
    agent_name,
    scorecard_id,
    scorecard_version,
    scorer,
    layout,
    duration_s,
    recording_uri,
    warning_no,
    warning,
    multiIf(
        startsWith(warning, 'recording is mono but the event declares stereo'), 'mono_declared_stereo',
        startsWith(warning, 'recording is stereo (two different channels) but the event declares mono'),
        'stereo_declared_mono',
        startsWith(warning, 'both channels of the recording carry the same audio'), 'one_mix_declared_stereo',
        match(warning, '^audio\\.channels \\(.*\\) names no party for channel '), 'channel_map_incomplete',
        startsWith(warning, 'the event says the call lasted ')
            OR match(warning, '^the recording holds [0-9]+ s but the event says the call lasted '),
        'duration_mismatch',
        match(warning, '^channel [0-9]+, mapped to the customer, opens like an agent'), 'channels_swapped',
        match(warning, '^[0-9]+ channels; downmixed to '), 'extra_channels',
        match(warning, '^[0-9.]+ s of audio where its header says '), 'recording_truncated',
        position(warning, ': still being written? transcribing the ') > 0, 'recording_still_written',
        startsWith(warning, 'transcript cut to fit the model''s context'), 'transcript_cut',
        'other'
    )                                                   AS kind,
    toUInt8(kind IN ('mono_declared_stereo', 'stereo_declared_mono', 'one_mix_declared_stereo',
        'channel_map_incomplete', 'duration_mismatch', 'channels_swapped')) AS event_mismatch,
    multiIf(kind = 'transcript_cut', 'score', kind = 'other', '', 'transcribe') AS stage
FROM calls FINAL
ARRAY JOIN
    warnings AS warning,
    arrayEnumerate(warnings) AS warning_no;
