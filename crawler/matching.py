"""Link each operator's hotel to one canonical hotel.

An operator's hotel is known by its alias (operator + the operator's hotel code). A new
alias is compared with the canonical hotels of the same resort (and so country), each
under every spelling operators have given it: names are read into identifying words
(crawler/parsing/comparable_hotel_names.py: kind words, sub-brand labels and the country's resort
names set aside, Cyrillic romanized, transliterations compared by sound), compared word
by word, and the stars must agree. A confident, unambiguous match links the alias; a
doubtful one creates a new canonical hotel and records the candidate for an admin to
confirm or split; no candidate at all creates a new canonical hotel.
"""

from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.parsing.comparable_hotel_names import (
    DESCRIPTOR_WORDS,
    HotelName,
    read_hotel_name,
)
from crawler.parsing.geo import place_key
from crawler.parsing.resorts import place_phrases, resort_words
from models import Country, Hotel, HotelAlias, HotelMatchReview, Resort
from models.base import utcnow
from models.catalog.match_reviews import split_pairs
from tourscope.foundation.spelling import sound_key, sound_keys

ACCEPT_SCORE = 90.0  # names this close are the same hotel...
ACCEPT_MARGIN = 6.0  # ...when no other hotel of the resort comes as close
REVIEW_SCORE = 75.0  # below this, a different hotel without doubt
TOKEN_MATCH = 85.0  # two words this close (typo, transliteration) are the same word
# The other name has identifying words this one lacks ("Titanic" and "Titanic Deluxe"):
# perhaps an operator's short form, perhaps a sister hotel; never merged on its own.
EXTRA_WORDS_SCORE = 84.0


@dataclass(frozen=True)
class MatchDecision:
    hotel_id: int | None  # the canonical hotel to link to, None to create one
    score: float
    review_candidate: int | None = None  # a doubtful candidate an admin should look at


def _word_similarity(first: str, second: str) -> float:
    if first == second:
        return 100.0
    if sound_keys(first) & sound_keys(second):
        return 99.0
    if min(len(first), len(second)) <= 3:
        return 0.0  # short words ("jaz", "spa", "sea") must sound alike
    return fuzz.ratio(first, second)


@dataclass(frozen=True)
class NameComparison:
    score: float  # 0-100: how sure we are that the two names are one hotel
    # When every identifying word of the shorter name is in the longer one: how many it
    # shares and how many more the longer one has ("Papillon Zeugma" / "Papillon Zeugma
    # Relaxury": 2 shared, 1 extra). None otherwise.
    shared: int | None = None
    extra: int = 0


def compare_names(first: HotelName, second: HotelName) -> NameComparison:
    """How two names compare.

    The identifying words are compared word by word (in any order, allowing typos and
    transliterations): the same words score high; words on both sides that find no
    partner mean another hotel; words only one name has ("Titanic" / "Titanic Deluxe")
    leave the pair doubtful. A name of places only ("Djerba Beach (Sentido)") is compared
    with its places kept.
    """
    one, other = first.distinctive, second.distinctive
    if not one or not other:
        # A name of places and kinds ("Elounda Beach (Crete)") is compared by its own words,
        # places kept; against a name that has more, by all its words.
        both_places = not one and not other and first.main and second.main
        one, other = (first.main, second.main) if both_places else (first.named, second.named)
        if not one or not other:
            return NameComparison(0.0)  # nothing identifying to compare: never a match
    sisters = bool(first.kinds and second.kinds and not first.kinds & second.kinds)
    if _written_together(first, second) or _written_together(second, first):
        # written together or apart: "Aqua Joy" / "AquaJoy", "Katathani" / "Kata Thani"
        return NameComparison(EXTRA_WORDS_SCORE if sisters else 99.0)
    small, large = (one, other) if len(one) <= len(other) else (other, one)
    unused = list(large)
    scores = []
    unmatched_small = 0
    for word in small:
        best, best_at = 0.0, -1
        for at, candidate in enumerate(unused):
            score = _word_similarity(word, candidate)
            if score > best:
                best, best_at = score, at
        if best >= TOKEN_MATCH:
            scores.append(best)
            unused.pop(best_at)
        else:
            unmatched_small += 1
    if unmatched_small:
        matched = len(scores)
        union = len(small) + len(large) - matched
        return NameComparison(70.0 * matched / union)
    mean = sum(scores) / len(scores)
    if not unused:
        if sisters:
            # "Granada Luxury Beach" and "Granada Luxury Resort & Spa": sisters, perhaps.
            return NameComparison(min(mean, EXTRA_WORDS_SCORE))
        # Every word has its partner: a typo in one word weighs less in the whole name.
        whole = fuzz.ratio(" ".join(first.tokens), " ".join(second.tokens))
        return NameComparison(max(mean, whole), shared=len(small))
    score = min(mean, EXTRA_WORDS_SCORE) - 4.0 * (len(unused) - 1)
    return NameComparison(score, shared=len(small), extra=len(unused))


def _written_together(first: HotelName, second: HotelName) -> bool:
    """Whether `first`'s identifying words, written as one, are a run of `second`'s words
    that holds all its identifying ones ("Katathani" in "Kata Thani Phuket", Kata being a
    place; "AquaJoy" in "Aqua Joy Resort")."""
    words, tokens = first.distinctive or first.main, second.main or second.named
    if not words or len(tokens) < 2:
        return False
    sounds = sound_keys("".join(words))
    identifying = set(second.distinctive)
    for start in range(len(tokens)):
        for end in range(start + 2, len(tokens) + 1):
            run = tokens[start:end]
            if identifying <= set(run) and sounds & sound_keys("".join(run)):
                return True
    return False


def _short_form(
    first: HotelName, second: HotelName, comparison: NameComparison, own: frozenset[str]
) -> bool:
    """Whether one name is the other with a word or two left out ("Papillon Zeugma (Belek)"
    and "Papillon Zeugma Relaxury"; "Mardan Palace" and "Titanic Mardan Palace").

    The shorter must share two identifying words at least (a chain's name alone is not a
    hotel's), or one when all the longer adds describes what it offers ("Voyage Belek" and
    "Voyage Belek Golf & Spa"); and say nothing the longer does not: no other place
    ("Queen's Park Tekirova" is not "Queen's Park Le Jardin"), no other kind ("Jaz Mirabel
    Beach" is not "Jaz Mirabel Park"). Its own resort's name may be extra.
    """
    if not comparison.shared or not 1 <= comparison.extra <= 2:
        return False
    short, long = (
        (first, second) if len(first.distinctive) < len(second.distinctive) else (second, first)
    )
    if comparison.shared < 2:
        if len(short.named) < 2 and not short.kinds:
            return False  # "Titanic" alone is a chain, not "Titanic Deluxe"
        short_sounds = {sound_key(token) for token in short.distinctive}
        added = [token for token in long.distinctive if sound_key(token) not in short_sounds]
        if not all(token in DESCRIPTOR_WORDS for token in added):
            return False
    long_sounds = {sound_key(token) for token in long.tokens}
    return all(token in own or sound_key(token) in long_sounds for token in short.named) and all(
        sound_key(kind) in long_sounds for kind in short.kinds
    )


@dataclass
class _Candidate:
    hotel_id: int
    stars: int | None
    names: list[HotelName]


@dataclass
class HotelIndex:
    """Canonical hotels by resort, each with every spelling it is known by."""

    by_resort: dict[int, dict[int, _Candidate]] = field(default_factory=dict)
    # Resort id -> the place phrases of its country (resort names in every spelling).
    places: dict[int, frozenset[str]] = field(default_factory=dict)
    # Resort id -> the words of its own name in every spelling ("Belek", "Белек").
    own_words: dict[int, frozenset[str]] = field(default_factory=dict)

    def read(self, name: str, resort_id: int) -> HotelName:
        return read_hotel_name(name, self.places.get(resort_id, frozenset()))

    def add(self, hotel_id: int, resort_id: int, name: str, stars: int | None) -> None:
        """Index one spelling of a canonical hotel (its name, or one of its aliases')."""
        hotels = self.by_resort.setdefault(resort_id, {})
        candidate = hotels.setdefault(hotel_id, _Candidate(hotel_id, stars, []))
        read = self.read(name, resort_id)
        for known in (read, read.former):
            if known is not None and known not in candidate.names:
                candidate.names.append(known)

    def match(self, name: str, stars: int | None, resort_id: int) -> MatchDecision:
        read = self.read(name, resort_id)
        if not read.readable:
            return MatchDecision(None, 0.0)  # a name we cannot read gets a hotel of its own
        scored = []
        short_forms = []  # hotels this name is a short or long form of
        own = self.own_words.get(resort_id, frozenset())
        for candidate in self.by_resort.get(resort_id, {}).values():
            if stars and candidate.stars and abs(stars - candidate.stars) > 1:
                continue
            comparisons = [
                (compare_names(spelling, known), known)
                for spelling in filter(None, (read, read.former))
                for known in candidate.names
            ]
            score = max(comparison.score for comparison, _ in comparisons)
            if stars and candidate.stars and stars != candidate.stars:
                score -= 10  # a star apart: possible (re-rated hotel), but doubtful
            elif any(_short_form(read, known, c, own) for c, known in comparisons):
                short_forms.append(candidate.hotel_id)
            scored.append((score, candidate.hotel_id))
        if not scored:
            return MatchDecision(None, 0.0)
        scored.sort(reverse=True)
        best_score, best_id = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if best_score >= ACCEPT_SCORE and best_score - runner_up >= ACCEPT_MARGIN:
            return MatchDecision(best_id, best_score)
        if short_forms == [best_id] and runner_up < REVIEW_SCORE:
            return MatchDecision(best_id, ACCEPT_SCORE)
        if best_score >= REVIEW_SCORE:
            return MatchDecision(None, best_score, review_candidate=best_id)
        return MatchDecision(None, best_score)


def resort_places(session: Session) -> tuple[dict[int, frozenset[str]], dict[int, frozenset[str]]]:
    """Resort id -> the place phrases of its country (with the resort's own name), and
    resort id -> the words of the resort's own name in every spelling."""
    places, own = {}, {}
    query = select(Resort.id, Resort.name, Country.code).join(Country)
    for resort_id, name, country in session.execute(query):
        places[resort_id] = place_phrases(country) | {place_key(name)}
        own[resort_id] = resort_words(country, name)
    return places, own


class HotelMatcher:
    """Resolves (operator, hotel code) to a canonical hotel id, caching what it has seen."""

    def __init__(self, session: Session, operator_id: int):
        self.session = session
        self.operator_id = operator_id
        self.aliases: dict[str, int] = dict(
            session.execute(
                select(HotelAlias.operator_hotel_code, HotelAlias.hotel_id).where(
                    HotelAlias.operator_id == operator_id
                )
            ).all()
        )
        places, own_words = resort_places(session)
        self.index = HotelIndex(places=places, own_words=own_words)
        # Pairs an admin kept apart: never proposed for review again.
        self.split_pairs = split_pairs(session)
        # Canonical stars of every hotel (the store pipeline copies them onto offers).
        self.stars: dict[int, int | None] = dict(
            session.execute(select(Hotel.id, Hotel.stars)).all()
        )
        # Resorts whose hotels are in the index: read when a new alias first needs them, so
        # a crawl of known hotels reads and parses no hotel names at all.
        self.indexed_resorts: set[int] = set()
        # Hotels this crawl gave an alias to (their display names may change), and the
        # operator's hotel codes that became aliases (content read earlier now counts).
        self.hotels_given_aliases: set[int] = set()
        self.codes_given_aliases: set[str] = set()
        # Resorts this crawl brought new aliases to (settled when it ends).
        self.resorts_given_aliases: set[int] = set()

    def _load(self, resort_id: int) -> None:
        """Index the resort's canonical hotels and every operator's spelling of them."""
        # A hotel an admin merged into another is no candidate: its survivor is.
        hotels = select(Hotel.id, Hotel.resort_id, Hotel.name, Hotel.stars).where(
            Hotel.merged_into_id.is_(None)
        )
        spellings = (
            select(
                HotelAlias.hotel_id, Hotel.resort_id, HotelAlias.operator_hotel_name, Hotel.stars
            )
            .join(Hotel, Hotel.id == HotelAlias.hotel_id)
            .where(Hotel.merged_into_id.is_(None))
        )
        hotels = hotels.where(Hotel.resort_id == resort_id)
        spellings = spellings.where(Hotel.resort_id == resort_id)
        self.indexed_resorts.add(resort_id)
        for query in (hotels, spellings):
            for hotel_id, hotel_resort, name, stars in self.session.execute(query):
                self.stars.setdefault(hotel_id, stars)
                self.index.add(hotel_id, hotel_resort, name, stars)

    def _refresh_resort(self, resort_id: int) -> None:
        """Index hotels other crawls created in this resort since it was first read."""
        if resort_id not in self.index.places:
            places, own_words = resort_places(self.session)
            self.index.places.update(places)
            self.index.own_words.update(own_words)
        self._load(resort_id)

    def hotel_id(
        self, code: str, raw_name: str, clean_name: str, stars: int | None, resort_id: int
    ) -> int:
        if code in self.aliases:
            return self.aliases[code]
        if resort_id not in self.indexed_resorts:
            self._load(resort_id)
        decision = self.index.match(clean_name, stars, resort_id)
        if decision.hotel_id is None:
            # Before creating a hotel, see whether another crawl just did.
            self._refresh_resort(resort_id)
            decision = self.index.match(clean_name, stars, resort_id)
        hotel_id = decision.hotel_id
        if hotel_id is None:
            hotel = Hotel(name=clean_name, stars=stars, resort_id=resort_id)
            self.session.add(hotel)
            self.session.flush()
            hotel_id = hotel.id
            self.stars[hotel_id] = stars
            self.index.add(hotel_id, resort_id, clean_name, stars)
        else:  # the operator's spelling helps the next operator's meet this hotel
            self.index.add(hotel_id, resort_id, raw_name, self.stars.get(hotel_id))
        alias = HotelAlias(
            operator_id=self.operator_id,
            hotel_id=hotel_id,
            operator_hotel_code=code,
            operator_hotel_name=raw_name,
            match_score=round(decision.score, 1),
        )
        self.session.add(alias)
        kept_apart = (self.operator_id, code, decision.review_candidate) in self.split_pairs
        if decision.review_candidate is not None and not kept_apart:
            self.session.flush()  # the alias needs its id
            self.session.add(
                HotelMatchReview(
                    alias_id=alias.id,
                    candidate_hotel_id=decision.review_candidate,
                    score=round(decision.score, 1),
                    created_at=utcnow(),
                )
            )
        self.session.flush()  # committed with the batch (crawler/pipelines/store.py)
        self.aliases[code] = hotel_id
        self.hotels_given_aliases.add(hotel_id)
        self.codes_given_aliases.add(code)
        self.resorts_given_aliases.add(resort_id)
        return hotel_id
