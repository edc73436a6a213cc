"""JSON-ready views of permit results, shared by ``renkou permit --json`` and the clerk's endpoints."""

from __future__ import annotations

from typing import Any

from renkou.permits.lifecycle import PermitState


def state_json(state: PermitState) -> dict[str, Any]:
    """A permit state on its date: status, number, years, the next window and the history (texts in both languages)."""
    window = state.window
    return {
        "on": state.on.isoformat(),
        "status": state.status.value,
        "permit_no": state.permit_no,
        "issued_on": state.issued_on.isoformat() if state.issued_on else None,
        "counting_from": state.counting_from.isoformat() if state.counting_from else None,
        "years": state.years,
        "days": state.days,
        "suspended_since": state.suspended_since.isoformat() if state.suspended_since else None,
        "ended_on": state.ended_on.isoformat() if state.ended_on else None,
        "endorsements": state.endorsements,
        "next_endorsement": None
        if window is None
        else {
            "year": window.number,
            "anniversary": window.anniversary.isoformat(),
            "opens": window.opens.isoformat(),
            "due": window.due.isoformat(),
            "provisional": window.provisional,
        },
        "history": [{"on": s.on.isoformat(), "kind": s.kind, "zh": s.text.zh, "en": s.text.en} for s in state.history],
    }
