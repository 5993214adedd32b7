"""What every ThingSpace resource provider shares: settings, the client, and pickling hygiene."""

from __future__ import annotations

import pickle
import sys
import threading
from typing import TYPE_CHECKING, Any

import pulumi
from pulumi.dynamic import ConfigureRequest, Resource, ResourceProvider
from pydantic import ValidationError

from ..config import ProviderSettings
from ..errors import UserError
from . import engine, reporting
from .registry import BY_NAME

if TYPE_CHECKING:
    from ..client import ThingSpaceClient
    from ..ledger import LabelLedger
    from ..results import CallbackResults

PROVIDER_KEY = "__provider"


def brief(error: ValidationError) -> str:
    """A validation error as ``field: message`` parts, without pydantic's links and input echo."""
    parts = []
    for err in error.errors(include_url=False, include_input=False):
        where = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{where}: {err['msg']}" if where else str(err["msg"]))
    return "; ".join(parts)


class ImportNotSupportedError(UserError):
    """``pulumi import`` of a resource whose state ThingSpace cannot give back, or of a malformed id."""


_CLIENTS: dict[ProviderSettings, ThingSpaceClient] = {}
_CLIENTS_LOCK = threading.Lock()
_WARNED: set[str] = set()

if reporting.install():  # a no-op outside the SDK's provider server
    engine.install(sys.modules["__main__"])


def shared_client(settings: ProviderSettings) -> ThingSpaceClient:
    """One client per settings per process, so all resources share one token and one session.

    The client (and ``requests``) is imported here, on first use: a program and a preview never need it.
    """
    from ..client import Credentials, ThingSpaceClient

    with _CLIENTS_LOCK:
        client = _CLIENTS.get(settings)
        if client is None:
            client_id, client_secret, username, password = settings.require_credentials()
            client = ThingSpaceClient(
                Credentials(client_id, client_secret, username, password),
                settings.base_url,
                license_chunk_size=settings.license_chunk_size,
                keep_going=engine.keep_going,  # stop between requests once the engine is gone
            )
            _CLIENTS[settings] = client
        return client


def notify(message: str, *, once_key: str | None = None) -> None:
    """Print a diagnostic the Pulumi engine shows (dynamic providers have no engine log channel)."""
    if once_key is not None:
        if once_key in _WARNED:
            return
        _WARNED.add(once_key)
    print(f"pulumi-thingspace: {message}", file=sys.stderr, flush=True)


class ThingSpaceProvider(ResourceProvider):
    """Base provider: reads settings in ``configure`` and never carries state into the pickled blob."""

    # The instance holds nothing secret when pickled, so the blob need not be a secret in state.
    serialize_as_secret_always = False

    def __getstate__(self) -> dict[str, Any]:
        # Settings and clients live only in the provider process; never in the program's pickled blob.
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def configure(self, req: ConfigureRequest) -> None:
        """Resolve settings from stack config (``thingspace:*``) with environment fallbacks."""
        self.use(ProviderSettings.resolve(req.config.get))

    def use(self, settings: ProviderSettings) -> None:
        """Use ``settings``; warn once when credentials are missing."""
        self._settings = settings
        missing = self._settings.missing_credentials()
        if missing:
            # A preview only checks inputs, so it would pass; say now that the apply will fail.
            keys = ", ".join(f"thingspace:{s.key}" for s in missing)
            notify(
                f"warning: missing ThingSpace credentials ({keys}): a preview checks inputs only, "
                "and `pulumi up` will fail until they are set (pulumi config set [--secret] <key>)",
                once_key="missing-credentials",
            )

    importable = False
    """Whether ``pulumi import`` can rebuild this resource from an id (:meth:`imported`)."""
    import_hint = "ThingSpace cannot give its state back; declare it in the program instead"
    """Why ``pulumi import`` cannot work for this resource, and what to do instead."""

    def imported(self, id_: str) -> dict[str, Any]:
        """The properties ``pulumi import`` of ``id_`` starts from, for :meth:`read` to complete."""
        raise ImportNotSupportedError(f"cannot be imported: {self.import_hint}")

    @property
    def settings(self) -> ProviderSettings:
        """Settings from ``configure``, or from the environment alone when it was never called."""
        settings: ProviderSettings | None = self.__dict__.get("_settings")
        if settings is None:
            settings = ProviderSettings.resolve()
            self._settings = settings
        return settings

    @property
    def client(self) -> ThingSpaceClient:
        """The process-wide client for these settings (created on first use)."""
        return shared_client(self.settings)

    def results(self) -> CallbackResults | None:
        """A callback-results reader when a sink is configured, else None."""
        s = self.settings
        if not s.callback_results_url:
            return None
        from ..results import CallbackResults

        return CallbackResults(
            s.callback_results_url,
            s.callback_results_token or "",
            timeout=s.callback_timeout_seconds,
            keep_going=engine.keep_going,
        )

    def ledger(self) -> LabelLedger | None:
        """The sink's label ledger when a sink is configured (refresh reads it), else None."""
        s = self.settings
        if not s.callback_results_url:
            return None
        from ..ledger import LabelLedger

        return LabelLedger(s.callback_results_url, s.callback_results_token or "")


def own(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` without the engine's ``__provider`` blob."""
    return {k: v for k, v in props.items() if k != PROVIDER_KEY}


class ThingSpaceResource(Resource):
    """Base of the package's resource classes.

    The SDK's ``serialize_provider`` wraps ``pickle._Pickler._batch_setitems`` again for every resource
    and never restores it, so a program with about a thousand dynamic resources dies with RecursionError.
    Restoring it after each registration keeps programs of any size working.
    """

    def __init__(
        self,
        provider: ResourceProvider,
        name: str,
        props: dict[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        secrets = sorted(BY_NAME[type(self).__name__].secret_fields() & set(props))
        if secrets:  # secret inputs stay secret in the state, whatever the program passed
            props = {
                k: pulumi.Output.secret(v) if k in secrets and v is not None else v for k, v in props.items()
            }
            opts = pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(additional_secret_outputs=secrets)
            )
        pickler: Any = pickle._Pickler  # type: ignore[attr-defined]
        saved = (pickler._batch_setitems, pickler.save_dict)
        try:
            super().__init__(provider, name, props, opts)
        finally:
            pickler._batch_setitems, pickler.save_dict = saved
