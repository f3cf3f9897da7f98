"""Clients for the Alexa APIs (settings, reminders).

On Lambda and the web service: the SDK's DefaultApiClient, imported only when a
handler first calls an API, because it pulls in `requests` (tens of
milliseconds of cold start for a path most questions never take).
Locally (`aftercare chat`): the stand-in in skill/local/alexa_api.py.

Alexa gives the whole answer 8 seconds, and the SDK's client waits forever: a silent
endpoint once held a worker 20 s. Every call here gives up after API_TIMEOUT_SECONDS and
any failure to get an answer becomes an HTTP 503 response, which the SDK's service clients
raise as the ServiceException their callers already handle (time zone unknown, reminder
not set), never an error that silences the answer.
"""
from __future__ import annotations

import functools
import logging

from ask_sdk_model.services import ApiClient, ApiClientResponse

log = logging.getLogger(__name__)

# requests applies each figure separately: to connecting, then to each wait for bytes.
CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 1.0
API_TIMEOUT_SECONDS = CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS
_UNAVAILABLE = '{"code": "UNAVAILABLE", "message": "the Alexa API did not answer in time"}'


@functools.cache
def _timed_client_class():
    from ask_sdk_core.api_client import DefaultApiClient

    class TimedApiClient(DefaultApiClient):
        """DefaultApiClient with a timeout on every call (it passes none to requests)."""

        def _resolve_method(self, request):
            method = super()._resolve_method(request)
            return functools.partial(method, timeout=(CONNECT_TIMEOUT_SECONDS,
                                                      READ_TIMEOUT_SECONDS),
                                     allow_redirects=False)

    return TimedApiClient


def service_clients(handler_input):
    """The SDK's service client factory, or None when the skill was built without an API
    client (the SDK raises ValueError then): the answer goes on without the Alexa APIs."""
    try:
        return handler_input.service_client_factory
    except ValueError:
        return None


class LazyApiClient(ApiClient):
    def __init__(self, client: ApiClient | None = None):
        self._client = client

    def invoke(self, request):
        if self._client is None:
            self._client = _timed_client_class()()
        try:
            return self._client.invoke(request)
        except Exception as error:  # noqa: BLE001 - timeouts, DNS, TLS: all "no answer"
            # The type only: the message names the URL, which carries the device id.
            log.warning("Alexa API call failed: %s", type(error).__name__)
            return ApiClientResponse(headers=[("Content-Type", "application/json")],
                                     status_code=503, body=_UNAVAILABLE)
