"""YAML that remembers where things are: mappings know the line of each key, so a curriculum error
can name the file and the line (``elearn.curriculum``)."""
import re

import yaml

#: A Markdown file's front matter: the block between two ``---`` lines at its top.
FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


class LineLoader(yaml.SafeLoader):
    """A YAML loader whose mappings remember the line of each key (1-based)."""


class LineDict(dict):
    line = 1
    lines: dict


def _construct_mapping(loader, node, deep=False):
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.lines = {k.value: k.start_mark.line + 1 for k, _v in node.value if hasattr(k, "value")}
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load(text_or_stream):
    """Parse YAML into ``LineDict`` mappings (raises ``yaml.YAMLError``)."""
    return yaml.load(text_or_stream, Loader=LineLoader)
