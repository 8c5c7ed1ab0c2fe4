"""Safe XML parsing: no external entities, no DTD loading, no network, no entity expansion."""
from __future__ import annotations

from lxml import etree

from django.utils.translation import gettext as _

from seoassist.core.exceptions import ImportFileError


def _parser() -> etree.XMLParser:
    # resolve_entities=False keeps "billion laughs" entities unexpanded; huge_tree=False
    # keeps lxml's own depth and size limits.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=False,
        remove_comments=False,
    )


def parse_xml(data: bytes, *, file_name: str) -> etree._Element:
    """Parse an XML document's bytes and return its root element.

    Documents with a DOCTYPE that declares entities are rejected outright,
    since no import format needs them and they are how entity bombs work.

    Raises
    ------
    ImportFileError
        When the document is not well-formed XML or declares entities.
    """
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        line = error.lineno or 1
        raise ImportFileError(
            _("%(file)s, line %(line)d: the file is not valid XML (%(error)s). Export the file "
              "again.") % {"file": file_name, "line": line, "error": error.msg},
            file_name=file_name,
            line=line,
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None and list(docinfo.internalDTD.iterentities()):
        raise ImportFileError(
            _("%(file)s: the XML file declares entities in a DOCTYPE, which imports do not "
              "accept. Export the file again without a DOCTYPE.") % {"file": file_name},
            file_name=file_name,
        )
    return root


def local_name(element: etree._Element) -> str:
    """Return an element's tag without its namespace."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def namespace(element: etree._Element) -> str:
    tag = element.tag
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[1:].split("}", 1)[0]
    return ""
