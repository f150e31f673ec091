-- calls.warning_kinds: the kind of each warning of calls.warnings, one code per warning in the same
-- order ('' when the writer named none), as processors/doubts.py names them. The transcribe stage and
-- the scorer now say each warning's kind where they make it (Transcript.warning_kinds,
-- CallScore.warning_kinds), so BI no longer depends on the wording, which may change.
--
-- Rows written before this migration, or by a worker older than it, read [] (or '' codes): for those
-- bi_call_warnings keeps 018's match on the wording. A code the view does not list is still reported
-- as written (a newer worker's kind), with event_mismatch 0 and stage ''.
--
-- kind                      event_mismatch  stage       what
-- mono_declared_stereo      1               transcribe  a one-channel recording, the event says stereo
-- stereo_declared_mono      1               transcribe  two different channels, the event says mono
-- one_mix_declared_stereo   1               transcribe  one mix written to both channels, the event says stereo
-- channel_map_incomplete    1               transcribe  audio.channels names one channel only
-- duration_mismatch         1               transcribe  started_at..ended_at far from the recording's length
-- channels_swapped          1               transcribe  the channel map looks swapped (a hint from the text)
-- extra_channels            0               transcribe  more than two channels, downmixed
-- recording_truncated       0               transcribe  shorter than its header says (a copy cut short)
-- recording_still_written   0               transcribe  the recorder had not finished the file
-- transcript_cut            0               score       the scorer's LLM read a transcript cut to fit its context
-- other                     0               ''          a warning of no kind and another wording
--
-- Same columns, in the same order, as 018's view. Idempotent (IF NOT EXISTS, CREATE OR REPLACE VIEW).

ALTER TABLE calls
    ADD COLUMN IF NOT EXISTS warning_kinds Array(LowCardinality(String)) DEFAULT [] AFTER warnings;

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
    -- the writer's code; else (a row from before 019, an older worker) 018's match on the wording
    if(warning_kinds[warning_no] != '', warning_kinds[warning_no],
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
        )
    )                                                   AS kind,
    toUInt8(kind IN ('mono_declared_stereo', 'stereo_declared_mono', 'one_mix_declared_stereo',
        'channel_map_incomplete', 'duration_mismatch', 'channels_swapped')) AS event_mismatch,
    multiIf(kind = 'transcript_cut', 'score', kind IN ('mono_declared_stereo', 'stereo_declared_mono',
        'one_mix_declared_stereo', 'channel_map_incomplete', 'duration_mismatch', 'channels_swapped',
        'extra_channels', 'recording_truncated', 'recording_still_written'), 'transcribe', '') AS stage
FROM calls FINAL
ARRAY JOIN
    warnings AS warning,
    arrayEnumerate(warnings) AS warning_no;
