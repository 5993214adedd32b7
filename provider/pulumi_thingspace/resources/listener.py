"""``CallbackListener``: where ThingSpace posts asynchronous results for one service of an account."""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from ..client import ApiError
from ..errors import UserError
from ..models.resources import ListenerArgs
from .base import ImportNotSupportedError, ThingSpaceProvider, own
from .checking import check_inputs, diff_inputs

NOT_REGISTERED = "CallbackNotFound"


class ListenerExistsError(UserError):
    """A listener for the service is already registered and ``adopt`` is false."""


class ListenerProvider(ThingSpaceProvider):
    """Registers, reads and deregisters one callback listener."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate; http is accepted only for loopback hosts."""
        return check_inputs(ListenerArgs, news)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """A new url, credentials, service or account replaces it, deleting first (one per service)."""
        return diff_inputs(ListenerArgs, olds, news, delete_before_replace=True)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Register the listener; refuse to overwrite another one unless ``adopt`` is true."""
        args = ListenerArgs.model_validate(own(props))
        if not args.adopt:
            for existing in self.client.list_callbacks(args.account_name):
                if existing.service_name.lower() == args.service_name.lower():
                    raise ListenerExistsError(
                        f"a {args.service_name} listener is already registered for account "
                        f"{args.account_name} (url {existing.url}); set adopt=True to take it over"
                    )
        self._register(args)
        listener_id = f"{args.account_name}/{args.service_name}"
        return CreateResult(listener_id, {**args.checked(), "listener_id": listener_id})

    importable = True
    import_hint = "import id is `<account>/<service>`, e.g. `0000123456-00001/CarrierService`"

    def imported(self, id_: str) -> dict[str, Any]:
        """``<account>/<service>``: read fills in the url and user; the password cannot be read back."""
        account, _, service = id_.partition("/")
        if not account or not service:
            raise ImportNotSupportedError(f"cannot be imported: {self.import_hint}")
        return {"account_name": account, "service_name": service, "listener_id": id_}

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Find the service in the account's listeners; gone means the resource is gone."""
        outs = own(props)
        account, service = outs["account_name"], outs.get("service_name", "CarrierService")
        found = next(
            (c for c in self.client.list_callbacks(account) if c.service_name.lower() == service.lower()),
            None,
        )
        if found is None:
            return ReadResult(None, {})
        outs.update({"url": found.url or outs.get("url")})
        if found.username is not None:
            outs["username"] = found.username
        inputs = {k: v for k, v in outs.items() if k in ListenerArgs.model_fields}
        return ReadResult(id_, outs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only ``adopt`` can change without a replacement; nothing to send."""
        return UpdateResult({**own(news), "listener_id": olds.get("listener_id", id_)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Deregister; a listener already gone is fine."""
        try:
            self.client.deregister_callback(
                props["account_name"], props.get("service_name", "CarrierService")
            )
        except ApiError as err:
            if not err.code_endswith(NOT_REGISTERED):
                raise

    def _register(self, args: ListenerArgs) -> None:
        self.client.register_callback(
            args.account_name, args.service_name, args.url, args.username, args.password
        )


def __getattr__(name: str) -> Any:
    # The resource classes are generated into .classes; this module's old names stay importable.
    if name in ("CallbackListener",):
        from . import classes

        return getattr(classes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
