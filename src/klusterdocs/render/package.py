"""What a template file must be, checked before python-docx, python-pptx or Jinja read it.

A template is a zip of XML parts from a stranger, edited by hand, by Word, LibreOffice or a
script. Two kinds of fault are refused here, each named with the part at fault:

- what would be unsafe: a part whose name could leave the package (`../`, an absolute path) or
  repeats, parts that unpack to more than a template can be (a zip bomb), a DOCTYPE (entities
  could read other files), and a picture or object linked from outside the template
  (`TargetMode="External"`), which LibreOffice would fetch from the disk or the network while
  making a PDF. Links for a reader (hyperlinks) stay.
- what would make a document Word cannot open: a part that cannot be unpacked or is not
  well-formed XML, a relationship to a part the package lacks, a part without a content type.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from klusterdocs.errors import TemplateError, display_path

MAX_PART_BYTES = 64 * 2**20  # a part, unpacked (a large picture is a few MB)
MAX_TEMPLATE_BYTES = 256 * 2**20
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def read_package(path: Path, kind: str) -> list[tuple[str, bytes]]:
    """The template's parts in order, after refusing what no template may hold (see above).

    `kind` names the file in messages: "Word" or "PowerPoint".
    """
    name_of = display_path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = _checked_members(name_of, archive)
            parts = [(info.filename, _unpacked(name_of, archive, info)) for info in members]
    except (
        OSError,
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        NotImplementedError,
    ) as exc:
        raise TemplateError(f"{name_of}: not a usable {kind} template ({exc})") from None
    trees = {name: _parsed(name_of, name, data) for name, data in parts if _is_xml(name)}
    parts = [(name, _in_utf8(data, trees.get(name))) for name, data in parts]
    for name, _ in parts:
        if name.endswith(".rels"):
            _check_relationships(name_of, name, trees[name])
    _check_links(name_of, trees, {name for name, _ in parts})
    _check_content_types(name_of, trees, [name for name, _ in parts])
    if b"macroEnabled" in dict(parts).get("[Content_Types].xml", b""):
        suffix = ".docx or .dotx" if kind == "Word" else ".pptx or .potx"
        raise TemplateError(
            f"{name_of}: a macro-enabled {kind} file; klusterdocs makes documents without "
            f"macros: save the template as a {suffix} (without macros) and use that"
        )
    return parts


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels"))


def _in_utf8(data: bytes, tree: etree._Element | None) -> bytes:
    """A part as UTF-8, as the renderers read it (XML may come in UTF-16 and still be valid)."""
    if tree is None:
        return data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True))
    return data


def _checked_members(name_of: str, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = [info for info in archive.infolist() if not info.is_dir()]
    seen: set[str] = set()
    for info in members:
        name = info.filename
        steps = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in steps or ":" in name:
            raise TemplateError(f"{name_of}: refused: a part is named {name!r}")
        if name in seen:
            raise TemplateError(f"{name_of}: refused: two parts are named {name!r}")
        seen.add(name)
        if info.file_size > MAX_PART_BYTES:
            raise TemplateError(
                f"{name_of}: refused: {name} unpacks to {info.file_size // 2**20} MB"
            )
    if sum(info.file_size for info in members) > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"{name_of}: refused: the template unpacks to more than 256 MB")
    return members


def _unpacked(name_of: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(info) as member:
            data = member.read(MAX_PART_BYTES + 1)  # its stated size need not be true
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise TemplateError(
            f"{name_of}: damaged: {info.filename} cannot be unpacked ({exc}); save the template "
            "again from Word or PowerPoint"
        ) from None
    if len(data) > MAX_PART_BYTES:
        raise TemplateError(f"{name_of}: refused: {info.filename} unpacks to more than 64 MB")
    return data


def _parsed(name_of: str, name: str, data: bytes) -> etree._Element:
    if b"<!DOCTYPE" in data:
        raise TemplateError(
            f"{name_of}: refused: {name} declares a DOCTYPE, which no Office document has "
            "(entities could read other files)"
        )
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise TemplateError(
            f"{name_of}: damaged: {name} is not well-formed XML at line {line}, column "
            f"{column} ({exc.msg}); save the template again from Word or PowerPoint"
        ) from None


def _check_relationships(name_of: str, name: str, tree: etree._Element) -> None:
    for relationship in tree.iter(f"{_RELATIONSHIPS}Relationship"):
        external = relationship.get("TargetMode") == "External"
        hyperlink = (relationship.get("Type") or "").endswith("/hyperlink")
        if external and not hyperlink:
            shown = (relationship.get("Target") or "?")[:80]
            raise TemplateError(
                f"{name_of}: refused: {name} links {shown!r} from outside the template; "
                "insert the picture or object into the template instead"
            )


def _check_links(name_of: str, trees: dict[str, etree._Element], names: set[str]) -> None:
    """Every relationship inside the package leads to a part it has."""
    if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
        raise TemplateError(
            f"{name_of}: damaged: [Content_Types].xml or _rels/.rels is missing; save the "
            "template again from Word or PowerPoint"
        )
    for name, tree in trees.items():
        if not name.endswith(".rels"):
            continue
        folder = posixpath.dirname(posixpath.dirname(name))  # word/_rels/x.rels -> word
        for relationship in tree.iter(f"{_RELATIONSHIPS}Relationship"):
            target = relationship.get("Target") or ""
            if relationship.get("TargetMode") == "External":
                continue
            target = target.split("#")[0]
            if not target:
                continue
            part = posixpath.normpath(
                target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            )
            if part not in names and unquote(part) not in names:  # `image%201.png`
                raise TemplateError(
                    f"{name_of}: damaged: {name} refers to {part}, which the template lacks; "
                    "save the template again from Word or PowerPoint"
                )


def _check_content_types(name_of: str, trees: dict[str, etree._Element], names: list[str]) -> None:
    """Every part has a content type: without one, Word refuses the whole document."""
    types = trees["[Content_Types].xml"]
    defaults = {
        (default.get("Extension") or "").lower()
        for default in types.iter(f"{_CONTENT_TYPES}Default")
    }
    overrides = {
        (override.get("PartName") or "").lstrip("/").lower()
        for override in types.iter(f"{_CONTENT_TYPES}Override")
    }
    for name in names:
        if name == "[Content_Types].xml":
            continue
        extension = posixpath.basename(name).rpartition(".")[2].lower()  # `.rels` -> rels
        if name.lower() not in overrides and extension not in defaults:
            raise TemplateError(
                f"{name_of}: damaged: [Content_Types].xml gives no type for {name}; save the "
                "template again from Word or PowerPoint"
            )


# A template's main part type, and the type of the document made from it: a template (.potx,
# .dotx) differs from a document in nothing else.
_TEMPLATE_TYPES = {
    b"presentationml.template.main+xml": b"presentationml.presentation.main+xml",
    b"wordprocessingml.template.main+xml": b"wordprocessingml.document.main+xml",
}


def as_document_types(content_types: bytes) -> bytes:
    """A package's `[Content_Types].xml` with a template's main part typed as a document's:
    python-pptx opens only a presentation, and Word refuses a .docx that says "template"."""
    for template, document in _TEMPLATE_TYPES.items():
        content_types = content_types.replace(template, document)
    return content_types


def as_presentation(parts: list[tuple[str, bytes]]) -> bytes | None:
    """The package as a presentation's bytes when it is a template (`.potx`), else None."""
    types = dict(parts)["[Content_Types].xml"]
    if as_document_types(types) == types:
        return None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            archive.writestr(
                name, as_document_types(data) if name == "[Content_Types].xml" else data
            )
    return buffer.getvalue()
