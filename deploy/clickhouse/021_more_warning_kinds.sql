-- bi_call_warnings reports the kinds the transcribe stage added after 019 (processors/doubts.py):
-- recording_clipped, silent_channel and no_speech_found. They are coded from the start, so the wording
-- fallback (for rows stored before 019) stays 018's. The stage is now 'score' for the scorer's kinds
-- and 'transcribe' for every other code, so a later transcribe-stage kind needs no migration.
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
-- recording_clipped         0               transcribe  much of a channel at full scale (a gain set too high)
-- silent_channel            0               transcribe  one channel holds no speech (a leg not recorded?)
-- no_speech_found           0               transcribe  no speech anywhere in the recording
-- other                     0               ''          a warning of no kind and another wording
--
-- Same columns, in the same order, as 019's view. Idempotent (CREATE OR REPLACE VIEW).

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
    -- every kind but the scorer's is the transcribe stage's: a kind a newer worker adds there needs no
    -- migration to be reported right ('' only for a warning of no kind)
    multiIf(kind IN ('transcript_cut'), 'score', kind = 'other', '', 'transcribe') AS stage
FROM calls FINAL
ARRAY JOIN
    warnings AS warning,
    arrayEnumerate(warnings) AS warning_no;
