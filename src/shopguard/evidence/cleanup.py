"""Stored files follow the database transaction.

A file is removed only after the transaction that deleted its last row has committed — a
rollback (an error later in the same update) leaves both the row and the file. A file written
by a transaction that then rolls back is removed, so no file outlives the row that was to hold
it. Files are per shopper; one is removed only when no other evidence row *of the same
shopper* still names its hash.

The adapter attaches the store to each database session (``attach_store``) so that deletions
made by any feature — a case deleted from its card, "delete all my data" — reach the files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.db.models import EvidenceItem
from shopguard.evidence.store import EvidenceStore

log = logging.getLogger("shopguard.evidence")

_STORE_KEY = "shopguard.evidence_store"


def attach_store(session: AsyncSession, store: EvidenceStore) -> None:
    session.info[_STORE_KEY] = store


def store_of(session: AsyncSession) -> EvidenceStore | None:
    store = session.info.get(_STORE_KEY)
    return store if isinstance(store, EvidenceStore) else None


_OUTCOME_KEY = "shopguard.on_outcome"


def _on_outcome(
    session: AsyncSession,
    *,
    commit: Callable[[], object] | None = None,
    rollback: Callable[[], object] | None = None,
) -> None:
    """Run ``commit`` after the commit or ``rollback`` after a rollback — once, whichever."""
    if not session.in_transaction():
        # Nothing read or written since the last commit: begin (no SQL yet) so that a rollback
        # now — an error, a cancelled update — still reaches the actions.
        session.sync_session.begin()
    session.info.setdefault(_OUTCOME_KEY, []).append((commit, rollback))


# Registered once for every session (a listener per session and file cost more than storing
# the file); each runs and forgets the actions its session collected.
@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    _settle(session, committed=True)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    _settle(session, committed=False)


def _settle(session: Session, *, committed: bool) -> None:
    actions = session.info.pop(_OUTCOME_KEY, None)
    for commit, rollback in actions or ():
        action = commit if committed else rollback
        if action is not None:
            _quietly(action)


def _quietly(action: Callable[[], object]) -> None:
    try:
        action()
    except OSError:
        log.exception("could not remove stored evidence files")


def discard_on_rollback(
    session: AsyncSession, store: EvidenceStore, user_id: int, sha256: str
) -> None:
    """A file this transaction wrote: remove it again if the transaction does not commit."""
    _on_outcome(session, rollback=lambda: store.remove(user_id, sha256))


async def unreferenced(
    session: AsyncSession, user_id: int, hashes: Iterable[str], *, excluding_case: int | None = None
) -> set[str]:
    """Those of ``hashes`` no evidence row of the shopper names (outside ``excluding_case``)."""
    wanted = {h for h in hashes if h}
    if not wanted:
        return set()
    query = select(EvidenceItem.sha256).where(
        EvidenceItem.user_id == user_id, col(EvidenceItem.sha256).in_(wanted)
    )
    if excluding_case is not None:
        query = query.where(EvidenceItem.case_id != excluding_case)
    still_used = set((await session.exec(query)).all())
    return wanted - {h for h in still_used if h}


def remove_on_commit(session: AsyncSession, user_id: int, hashes: Iterable[str]) -> None:
    """Remove these files of the shopper once the transaction commits."""
    store = store_of(session)
    doomed = sorted(set(hashes))
    if store is None or not doomed:
        if doomed:
            log.warning("no evidence store attached: %d file(s) left on disk", len(doomed))
        return

    def remove() -> None:
        for sha in doomed:
            store.remove(user_id, sha)

    _on_outcome(session, commit=remove)


async def release_case_files(session: AsyncSession, user_id: int, case_id: int) -> None:
    """Call before deleting a case: its files go after commit unless another case uses them."""
    hashes = (
        await session.exec(
            select(EvidenceItem.sha256).where(
                EvidenceItem.user_id == user_id, EvidenceItem.case_id == case_id
            )
        )
    ).all()
    doomed = await unreferenced(session, user_id, [h for h in hashes if h], excluding_case=case_id)
    remove_on_commit(session, user_id, doomed)


def release_user_files(session: AsyncSession, user_id: int) -> None:
    """Call when deleting all of a shopper's data: their whole folder goes after commit."""
    store = store_of(session)
    if store is None:
        log.warning("no evidence store attached: files of a deleted user left on disk")
        return
    _on_outcome(session, commit=lambda: store.remove_user(user_id))
