"""Settle a resort's hotels once a crawl has brought new aliases to it, so that the
catalogue does not depend on the order in which operators arrived.

During a crawl each new alias is matched against the hotels known at that moment: which
hotel a doubtful spelling joins can depend on which operator came first. Afterwards the
resort's aliases are grouped again, all together, in one fixed order (the fullest
spelling first, then alphabetically), which depends only on which spellings exist; the
catalogue is then moved to that grouping. Aliases a person placed (linked by hand, a
confirmed or split review and the hotel it was kept apart from, an admin's merge or its
undoing) never move, and their hotels seed the grouping, which never joins two seeds: a
later crawl never undoes a human verdict.

A hotel left without aliases points at the hotel that took them, so its address still
leads somewhere. A crawl running at the same time still files its offers under the hotel
its matcher knew; `follow_merges` re-points those of emptied hotels, and the next crawl
files the rest.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from crawler.matching import HotelIndex, resort_places
from crawler.parsing.comparable_hotel_names import name_tokens
from models.base import utcnow
from models.care.trips import Trip
from models.catalog.display_names import display_name, refresh_display_names
from models.catalog.hotel_content import refresh_hotel_content
from models.catalog.hotel_merges import CONFIRMED, PENDING, SPLIT, move_offers
from models.catalog.hotels import Hotel, HotelAlias, HotelMatchReview, HotelMerge, Operator
from models.catalog.min_prices import refresh_min_prices

logger = logging.getLogger(__name__)

# A pending review whose alias the settling put in the candidate hotel: the matcher
# answered its own doubt (an admin's answers are "confirmed" and "split").
MATCHED = "matched"


@dataclass(frozen=True)
class Spelling:
    """One operator's name for a hotel, as the grouping sees it."""

    key: tuple[str, str]  # (operator code, operator's hotel code): stable across databases
    name: str
    stars: int | None


def group_spellings(
    index: HotelIndex, resort_id: int, spellings: Iterable[Spelling]
) -> dict[tuple[str, str], int]:
    """Each spelling's group: a hotel already in `index` (a seed) or a new group, numbered
    -1, -2... The order is fixed by the spellings alone: the fullest name first (short
    forms then find the full name they shorten), ties alphabetically."""
    groups: dict[tuple[str, str], int] = {}
    ordered = sorted(spellings, key=lambda s: (-len(name_tokens(s.name)), s.name.casefold(), s.key))
    for spelling in ordered:
        decision = index.match(spelling.name, spelling.stars, resort_id)
        group = decision.hotel_id if decision.hotel_id is not None else -len(groups) - 1
        index.add(group, resort_id, spelling.name, spelling.stars)
        groups[spelling.key] = group
    return groups


def _pinned_alias_ids(session: Session, resort_id: int, merged_alias_ids: set[int]) -> set[int]:
    """Aliases of the resort a person placed: they stay where they are. `merged_alias_ids`:
    the aliases admins' merges moved (read once for all resorts)."""
    in_resort = select(HotelAlias.id).join(Hotel).where(Hotel.resort_id == resort_id)
    pinned = set(
        session.scalars(
            in_resort.where(HotelAlias.match_score.is_(None))  # linked by hand
        )
    )
    pinned.update(
        session.scalars(
            select(HotelMatchReview.alias_id).where(
                HotelMatchReview.status.in_((CONFIRMED, SPLIT)),
                HotelMatchReview.alias_id.in_(in_resort),
            )
        )
    )
    # The other side of a split: the aliases of the hotel an alias was kept apart from.
    split_from = select(HotelMatchReview.candidate_hotel_id).where(HotelMatchReview.status == SPLIT)
    pinned.update(session.scalars(in_resort.where(HotelAlias.hotel_id.in_(split_from))))
    return pinned | merged_alias_ids


def settle_resort(
    session: Session, resort_id: int, index: HotelIndex, merged_alias_ids: set[int]
) -> int:
    """Group the resort's aliases afresh and move the catalogue to that grouping.
    `index` knows the resorts' places and holds no hotel of this resort yet.
    Returns how many aliases changed hotel."""
    rows = session.execute(
        select(HotelAlias, Hotel, Operator.code)
        .join(Hotel, Hotel.id == HotelAlias.hotel_id)
        .join(Operator, Operator.id == HotelAlias.operator_id)
        .where(Hotel.resort_id == resort_id, Hotel.merged_into_id.is_(None))
    ).all()
    if not rows:
        return 0
    pinned = _pinned_alias_ids(session, resort_id, merged_alias_ids)
    seeds = set()
    free: list[Spelling] = []
    aliases: dict[tuple[str, str], HotelAlias] = {}
    for alias, hotel, operator_code in rows:
        key = (operator_code, alias.operator_hotel_code)
        aliases[key] = alias
        if alias.id in pinned:
            seeds.add(hotel.id)
            index.add(hotel.id, resort_id, alias.operator_hotel_name, hotel.stars)
        else:
            free.append(Spelling(key, alias.operator_hotel_name, hotel.stars))
    groups = group_spellings(index, resort_id, free)
    targets = _targets(session, resort_id, groups, aliases, seeds)
    moves = [
        (alias, alias.hotel_id, targets[group])
        for key, group in groups.items()
        if (alias := aliases[key]).hotel_id != targets[group]
    ]
    if moves:
        _move(session, moves)
    return len(moves)


def _targets(
    session: Session,
    resort_id: int,
    groups: dict[tuple[str, str], int],
    aliases: dict[tuple[str, str], HotelAlias],
    seeds: set[int],
) -> dict[int, int]:
    """Group -> the hotel it is: a seed, else the hotel holding most of its aliases (one
    hotel per group), else a new hotel."""
    members: dict[int, list[HotelAlias]] = defaultdict(list)
    for key, group in groups.items():
        members[group].append(aliases[key])
    targets = {seed: seed for seed in seeds}
    taken = set(seeds)
    # Bigger groups choose first, so a hotel stays with most of what it was.
    for group in sorted(members, key=lambda g: (-len(members[g]), g)):
        if group >= 0:
            continue  # a seed
        held = Counter(alias.hotel_id for alias in members[group] if alias.hotel_id not in taken)
        if held:
            target = min(held, key=lambda hotel_id: (-held[hotel_id], hotel_id))
        else:
            first = session.get(Hotel, members[group][0].hotel_id)
            names = [alias.operator_hotel_name for alias in members[group]]
            hotel = Hotel(resort_id=resort_id, name=display_name(names), stars=first.stars)
            session.add(hotel)
            session.flush()
            target = hotel.id
        targets[group] = target
        taken.add(target)
    return targets


def _move(session: Session, moves: list[tuple[HotelAlias, int, int]]) -> None:
    """Move aliases to their hotels, with their operators' offers; hotels left without an
    alias point at the hotel that took most of them, with their trips and reviews."""
    now = utcnow()
    for alias, _, target in moves:
        alias.hotel_id = target
    session.flush()
    # An operator's offers on a hotel follow its alias when it has no other alias there.
    went: dict[tuple[int, int], set[int]] = defaultdict(set)
    for alias, old, target in moves:
        went[(alias.operator_id, old)].add(target)
    remaining = set(
        session.execute(
            select(HotelAlias.operator_id, HotelAlias.hotel_id).where(
                HotelAlias.hotel_id.in_({old for _, old, _ in moves})
            )
        ).all()
    )
    for (operator_id, old), destinations in went.items():
        if (operator_id, old) not in remaining and len(destinations) == 1:
            target = session.get(Hotel, next(iter(destinations)))
            move_offers(session, operator_id, old, target)
    emptied = {old for _, old, _ in moves} - {hotel_id for _, hotel_id in remaining}
    for old in emptied:
        heirs = Counter(target for _, was, target in moves if was == old)
        heir = min(heirs, key=lambda hotel_id: (-heirs[hotel_id], hotel_id))
        session.get(Hotel, old).merged_into_id = heir
        move_offers(session, None, old, session.get(Hotel, heir))
        session.execute(
            update(Trip)
            .where(Trip.hotel_id == old)
            .values(hotel_id=heir)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(HotelMatchReview)
            .where(HotelMatchReview.candidate_hotel_id == old, HotelMatchReview.status == PENDING)
            .values(candidate_hotel_id=heir)
            .execution_options(synchronize_session=False)
        )
    # Doubts the grouping answered: the alias now is its candidate hotel.
    moved_ids = [alias.id for alias, _, _ in moves]
    session.execute(
        update(HotelMatchReview)
        .where(
            HotelMatchReview.status == PENDING,
            or_(
                HotelMatchReview.alias_id.in_(moved_ids),
                HotelMatchReview.candidate_hotel_id.in_({t for _, _, t in moves}),
            ),
            HotelMatchReview.candidate_hotel_id
            == select(HotelAlias.hotel_id)
            .where(HotelAlias.id == HotelMatchReview.alias_id)
            .scalar_subquery(),
        )
        .values(status=MATCHED, resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    session.expire_all()
    refresh_display_names(session, {target for _, _, target in moves})
    touched = {hotel for _, old, new in moves for hotel in (old, new)}
    # Content follows the aliases: each hotel merges what its operators now say of it.
    refresh_hotel_content(session, touched)
    # Last before the commit: the hotels' cheapest prices, and the catalogue's generation.
    refresh_min_prices(session, touched)


def settle_resorts(session: Session, resort_ids: Iterable[int]) -> int:
    """Settle each resort (see `settle_resort`); returns how many aliases moved."""
    # Read once for every resort: the gazetteer's places and the admins' merges.
    places, own_words = resort_places(session)
    index = HotelIndex(places=places, own_words=own_words)
    merged_alias_ids = {
        alias_id
        for alias_ids in session.scalars(select(HotelMerge.alias_ids))
        for alias_id in alias_ids or ()
    }
    moved = 0
    for resort_id in sorted(set(resort_ids)):
        moved += settle_resort(session, resort_id, index, merged_alias_ids)
    if moved:
        logger.info("Settling hotel identity moved %d aliases", moved)
    return moved
