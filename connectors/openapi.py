"""The ingest API's OpenAPI 3.1 document (served at ``/openapi.json``; checked in as
``docs/openapi.json``, which a test keeps identical)."""

from __future__ import annotations

from typing import Any

_CALL: dict[str, Any] = {
    "type": "object",
    "required": ["call_id", "recording_uri", "agent", "started_at", "ended_at"],
    "properties": {
        "call_id": {"type": "string", "minLength": 1, "description": "Unique call id; the idempotency key."},
        "tenant": {
            "type": ["string", "null"],
            "description": "Defaults to the token's tenant (null: with a warning); another tenant is 403.",
        },
        "source": {"type": ["string", "null"], "description": "PBX/CRM name (null: 'api', with a warning)."},
        "direction": {
            "type": ["string", "null"],
            "enum": ["inbound", "outbound", "internal", "unknown", None],
            "description": "null: 'unknown', with a warning.",
        },
        "started_at": {"type": "string", "format": "date-time"},
        "ended_at": {"type": "string", "format": "date-time"},
        "agent": {
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"type": ["string", "integer"]}, "name": {"type": ["string", "null"]}},
        },
        "customer": {
            "type": "object",
            "properties": {
                "number": {"type": ["string", "null"]},
                "number_hash": {"type": ["string", "null"]},
            },
        },
        "queue": {"type": ["string", "null"]},
        "recording_uri": {"type": "string", "minLength": 1},
        "audio": {
            "type": "object",
            "properties": {
                "layout": {"type": "string", "enum": ["stereo", "mono"]},
                "channels": {
                    "type": "object",
                    "propertyNames": {"enum": ["0", "1"]},
                    "additionalProperties": {"type": "string", "enum": ["agent", "customer"]},
                },
            },
        },
        "language": {
            "type": ["string", "null"],
            "description": "ISO-639-1 hint; null = detect. A BCP 47 tag, locale or English name "
            "(en-US, pt_BR, English) is taken as its code, with a warning.",
        },
        "crm": {
            "type": "object",
            "description": "Free-form fields, stored as text (null as an empty string).",
            "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
        },
    },
}

_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "index": {"type": "integer"},
                    "call_id": {"type": "string", "description": "When the call names one."},
                    "problems": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}


_UNAVAILABLE = (
    "The producer's queue is full (Retry-After: 1) or the broker did not acknowledge (Retry-After: 10; "
    "within seconds when it is known to be unreachable, error says why). Resending is safe."
)


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "callstream ingest API",
        "version": "1",
        "description": "Publish call-completed events; nothing is acknowledged before the broker did.",
    },
    "paths": {
        "/v1/calls": {
            "post": {
                "summary": "Publish one call or a batch of calls",
                "security": [{"bearer": []}],
                "parameters": [
                    {
                        "name": "X-Callstream-Signature",
                        "in": "header",
                        "required": False,
                        "description": "sha256=<hex HMAC of the body>; needed for tenants with a secret.",
                        "schema": {"type": "string"},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/CallCompleted"},
                                    {
                                        "type": "array",
                                        "minItems": 1,
                                        "description": "At most CALLSTREAM_INGEST_MAX_BATCH calls.",
                                        "items": {"$ref": "#/components/schemas/CallCompleted"},
                                    },
                                ]
                            }
                        }
                    },
                },
                "responses": {
                    "202": {
                        "description": "Every call was acknowledged by the broker.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "accepted": {"type": "array", "items": {"type": "string"}},
                                        "warnings": {
                                            "type": "array",
                                            "description": "Present when a call was accepted with "
                                            "doubtful input: an unknown field (dropped; with a "
                                            "did-you-mean), a time without a time zone (taken as UTC), "
                                            "a language that is no ISO-639-1 code, a call id already "
                                            "earlier in the batch (the later call replaces it).",
                                            "items": {
                                                "type": "object",
                                                "properties": {
                                                    "index": {"type": "integer"},
                                                    "call_id": {"type": "string"},
                                                    "warnings": {
                                                        "type": "array",
                                                        "items": {"type": "string"},
                                                    },
                                                },
                                            },
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "400": _error_response(
                        "Invalid JSON or invalid call(s), with field paths; nothing published. Each bad "
                        "call goes to calls.dlq (stage ingest) with the reason."
                    ),
                    "401": _error_response("Missing or unknown token, or bad signature."),
                    "403": _error_response("A call for another tenant."),
                    "408": _error_response("Body not received within CALLSTREAM_INGEST_READ_TIMEOUT_S."),
                    "413": _error_response(
                        "Body or batch too large, or a call over the event size limit "
                        "(CALLSTREAM_EVENT_MAX_BYTES, or the message size; errors names it; "
                        "a batch or call too large goes to calls.dlq)."
                    ),
                    "415": _error_response(
                        "A declared Content-Type that is not JSON (text/plain, a form: curl -d without "
                        "-H 'Content-Type: application/json'); application/json, application/*+json, "
                        "application/octet-stream or none are read as JSON. The body goes to calls.dlq."
                    ),
                    "503": _error_response(_UNAVAILABLE),
                },
            }
        },
        "/v1/webhooks/{source}": {
            "post": {
                "summary": "A vendor webhook, mapped to a call by connectors/mappings/{source}.yaml",
                "parameters": [
                    {"name": "source", "in": "path", "required": True, "schema": {"type": "string"}},
                    {
                        "name": "tenant",
                        "in": "query",
                        "required": False,
                        "description": "Tenant of a signature-authenticated source (twilio).",
                        "schema": {"type": "string"},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"type": "object"}},
                        "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
                    },
                },
                "responses": {
                    "200": {
                        "description": "Acknowledged and ignored (the mapping's `when` filter did not match)."
                    },
                    "202": {"description": "Mapped and acknowledged by the broker."},
                    "400": _error_response(
                        "Payload cannot be parsed or mapped, or the call is invalid; it goes to calls.dlq "
                        "(stage ingest) with the reason."
                    ),
                    "401": _error_response("Bad or missing token or signature (checked before the source)."),
                    "404": _error_response(
                        "No webhook mapping for this source (AMI/ESL mappings are for callstream connect)."
                    ),
                    "408": _error_response("Body not received within CALLSTREAM_INGEST_READ_TIMEOUT_S."),
                    "413": _error_response(
                        "Body too large, or the call over the event size limit "
                        "(CALLSTREAM_EVENT_MAX_BYTES, or the message size; it goes to calls.dlq)."
                    ),
                    "503": _error_response(_UNAVAILABLE),
                },
            }
        },
        "/healthz": {"get": {"summary": "Liveness", "responses": {"200": {"description": "OK"}}}},
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {"CallCompleted": _CALL, "Error": _ERROR},
    },
}
