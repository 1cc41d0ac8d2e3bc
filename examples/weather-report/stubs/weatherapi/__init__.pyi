# Stubs of a small weather client: an async fetch, frozen dataclasses, a Protocol, constants.
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Final, Literal, Protocol, TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT: Final[float]
API_VERSION: Final = 3

@dataclass(frozen=True)
class Forecast:
    city: str
    celsius: float
    summary: str | None
    hourly: list[float]

@dataclass(frozen=True)
class Station:
    id: int
    name: str
    position: tuple[float, float]

class Cache(Protocol):
    def get(self, key: str) -> Forecast | None: ...
    def put(self, key: str, value: Forecast) -> None: ...

async def fetch(city: str, days: int = 1) -> Forecast: ...
def stream_readings(station: Station) -> AsyncIterator[float]: ...
def stations(region: str) -> Mapping[str, Station]: ...
def tags(f: Forecast) -> set[str]: ...
def first(items: list[T]) -> T: ...
def on_update(callback: Callable[[Forecast], None]) -> None: ...
def unit_of(kind: Literal["c", "f"]) -> str | int: ...
def _private_helper() -> None: ...
