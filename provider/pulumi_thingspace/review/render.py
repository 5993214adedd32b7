"""The Markdown summary of a :class:`~.model.Review`, for a pull-request comment.

Device deletions come first and are marked irreversible; then totals, then one section per resource
with the first few keys of each change kind and a count of the rest. Keys are device identifiers and
label names only: label values (which may be sensitive) are never shown.
"""

from __future__ import annotations

from ..client.batching import DEVICES_PER_DELETE, LABELS_PER_REQUEST
from .model import DEVICES_DELETED, EXACT, KINDS, KeyChange, Requests, ResourceReview, Review

MARKER = "<!-- thingspace-review -->"
"""First line of every summary, so a pipeline can find and update its earlier comment."""


def request_text(requests: Requests) -> str:
    """``3`` or ``at most 3``, plus the parts: ``3 (1 label removes, 2 label sets)``."""
    count = f"{requests.bound} {requests.count}" if requests.bound != EXACT else str(requests.count)
    if not requests.parts:
        return count
    return f"{count} ({', '.join(f'{purpose}: {n}' for purpose, n in requests.parts)})"


def key_list(change: KeyChange, limit: int) -> str:
    """The first ``limit`` keys in backticks and how many more there are."""
    shown = [f"`{k}`" for k in change.keys[:limit]]
    rest = change.count - len(shown)
    if rest > 0:
        shown.append(f"and {rest:,} more")
    return ", ".join(shown)


def resource_section(res: ResourceReview, limit: int) -> list[str]:
    """One resource: heading, each change kind with its first keys, requests and notes."""
    account = f", account `{res.account}`" if res.account else ""
    lines = [f"#### `{res.name}` ({res.kind}): {res.op}{account}", ""]
    for change in sorted(res.changes, key=lambda c: KINDS.index(c.kind)):
        mark = " (IRREVERSIBLE)" if change.kind == DEVICES_DELETED else ""
        lines.append(f"- **{change.kind}{mark}: {change.count:,}**: {key_list(change, limit)}")
    lines.append(f"- ThingSpace requests: {request_text(res.requests)}")
    lines.extend(f"- note: {note}" for note in res.notes)
    lines.append("")
    return lines


def render(review: Review, limit: int = 5) -> str:
    """The whole summary as Markdown."""
    stack = f" for stack `{review.stack}`" if review.stack else ""
    lines = [MARKER, f"### ThingSpace change review{stack}", ""]
    if review.errors:
        lines += ["**The preview failed:**", ""]
        lines += [f"> {line}" for err in review.errors for line in err.splitlines() if line.strip()]
        lines.append("")
    deleting = [r for r in review.resources if r.count(DEVICES_DELETED)]
    if deleting:
        lines += [
            f"**{review.devices_deleted:,} device(s) will be DELETED. This cannot be undone: ThingSpace "
            "erases their history.**",
            "",
        ]
        for res in deleting:
            change = next(c for c in res.changes if c.kind == DEVICES_DELETED)
            lines.append(f"- `{res.name}` (account `{res.account}`): {key_list(change, limit)}")
        lines.append("")
    if not review.resources:
        lines += ["No ThingSpace changes.", ""]
        return "\n".join(lines)
    lines += ["| change | count |", "|---|---:|"]
    lines += [f"| {kind} | {review.total(kind):,} |" for kind in KINDS if review.total(kind)]
    lines += [f"| ThingSpace requests | {request_text(review.requests)} |", ""]
    lines += [
        f"Requests are write requests in the provider's chunks: {LABELS_PER_REQUEST:,} labels, "
        f"{review.license_chunk_size:,} licenses, {DEVICES_PER_DELETE:,} device deletes per request "
        "(removes before sets); logins and reads come on top.",
        "",
    ]
    for res in review.resources:
        lines += resource_section(res, limit)
    return "\n".join(lines)
