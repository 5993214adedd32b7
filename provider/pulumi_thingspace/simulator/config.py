"""Tunable timings and limits of the simulator."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SimulatorConfig:
    """Timings and limits; the defaults follow ThingSpace where it is documented and stay fast otherwise."""

    session_idle_seconds: float = 1200.0
    """A session token expires after this many seconds without use (ThingSpace: 20 minutes)."""
    token_lifetime_seconds: float = 3600.0
    """Lifetime of an OAuth access token (ThingSpace: one hour)."""
    lockout_threshold: int = 5
    """Consecutive failed logins that lock a user."""
    device_page_size: int = 2000
    """Devices per ``devices/actions/list`` page."""
    fota_page_size: int = 1000
    """Devices per FOTA license index page."""
    max_labels_per_request: int = 2000
    """Largest ``labels`` array accepted."""
    max_delete_per_request: int = 100
    """Largest ``devicesToDelete`` array accepted."""
    max_fota_devices_per_read: int = 1000
    """Largest ``deviceList`` accepted by the v3 device read."""
    action_delay_seconds: float = 0.0
    """Delay between answering a label request and applying it."""
    deactivate_delay_seconds: float = 0.2
    """Delay between answering a deactivate request and the devices becoming ``deactive``."""
    callback_resend_seconds: float = 0.5
    """Wait before resending a callback that was not acknowledged with a 2xx."""
    callback_max_threshold: int = 4
    """Sends of one callback before it is given up (``maxCallbackThreshold``)."""
    callback_timeout_seconds: float = 5.0
    """HTTP timeout of one callback send."""
