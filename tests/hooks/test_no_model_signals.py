"""Nothing goes through model signals: the services that perform an action write its side
effects (history, outbox rows for webhooks and chat, notifications) in its transaction, so one
save can never fan out unseen. The accounts app's receivers of allauth's own signals (signed up,
social account linked) are not model signals and stay."""

from __future__ import annotations

import weakref

from django.db.models import signals


def _receivers(signal: signals.ModelSignal) -> list[object]:
    found = []
    for entry in signal.receivers:
        receiver = entry[1]
        if isinstance(receiver, weakref.ReferenceType):
            receiver = receiver()
        if receiver is not None:
            found.append(receiver)
    return found


def test_no_okrs_code_listens_to_model_signals() -> None:
    listening = [
        f"{name}: {receiver.__module__}.{getattr(receiver, '__qualname__', receiver)}"
        for name in ("pre_save", "post_save", "pre_delete", "post_delete", "m2m_changed")
        for receiver in _receivers(getattr(signals, name))
        if getattr(receiver, "__module__", "").startswith("okrs.")
    ]
    assert listening == []
