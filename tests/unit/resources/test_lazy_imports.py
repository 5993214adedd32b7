"""Every ``pulumi`` command imports the package in the program and in each provider process, so neither
pays for what it does not use: a program and a preview never import the HTTP client."""

from __future__ import annotations

import subprocess
import sys
import textwrap

HTTP_MODULES = ("requests", "tenacity", "pulumi_thingspace.client.facade", "pulumi_thingspace.results")


def loaded_after(code: str) -> set[str]:
    """Which of HTTP_MODULES a fresh interpreter has loaded after running ``code``."""
    probe = (
        textwrap.dedent(code)
        + f"\nimport sys\nprint(' '.join(m for m in {HTTP_MODULES!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_a_program_declaring_resources_imports_no_http_client() -> None:
    code = """
        import pulumi_thingspace as thingspace
        for name in thingspace.__all__:
            if name not in ("Credentials", "ThingSpaceClient"):
                getattr(thingspace, name)
    """
    assert loaded_after(code) == set()


def test_a_provider_checking_and_diffing_a_bundle_imports_no_http_client() -> None:
    code = """
        from pulumi_thingspace.resources.label_bundle import LabelBundleProvider
        provider = LabelBundleProvider()
        line = '["89049032000000000000000000000001","VIN","V1"]'
        checked = provider.check({}, {"account_name": "0000000000-00001", "labels": line}).inputs
        assert not provider.diff("id", dict(checked), dict(checked)).changes
    """
    assert loaded_after(code) == set()


def test_lazy_names_are_listed_and_unknown_names_are_errors() -> None:
    code = """
        import pulumi_thingspace as thingspace
        from pulumi_thingspace import client, resources
        for module in (thingspace, client, resources):
            assert set(module.__all__) <= set(dir(module)), module.__name__
            assert not hasattr(module, "NoSuchName")
        try:
            from pulumi_thingspace import NoSuchName  # noqa: F401
        except ImportError as exc:
            assert "NoSuchName" in str(exc)
        else:
            raise AssertionError("imported a name that does not exist")
    """
    assert loaded_after(code) == set()


def test_the_client_is_still_importable_from_the_package() -> None:
    code = "from pulumi_thingspace import ThingSpaceClient, Credentials"
    assert loaded_after(code) >= {"requests", "pulumi_thingspace.client.facade"}
