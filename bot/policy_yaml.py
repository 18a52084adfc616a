"""Strict YAML for policy files: what PyYAML lets through that a policy must not.

PyYAML keeps the last of two equal keys (a stray ``shadow_mode: true`` lower down wins),
recurses once per nesting level (deep files end in RecursionError) and expands aliases
without limit. Here duplicates are refused with both lines, nesting and expanded size are
bounded before anything recursive runs, and every refusal is a :class:`YamlError` whose
text names the line.
"""

from __future__ import annotations

from typing import Any

import yaml

#: Nesting of mappings and lists; the default policy needs 5.
MAX_DEPTH = 24
#: Nodes after alias expansion (a "billion laughs" file would otherwise hang validation).
MAX_NODES = 50_000
#: Characters in one value (also keeps integers below Python's 4300-digit conversion limit).
MAX_SCALAR = 4_000


class YamlError(ValueError):
    """One reason a file is refused, with its 1-based line when known."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line if line else '?'}: {message}")


def decode(data: bytes) -> str:
    """UTF-8 text or a problem naming the line of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start: exc.start + 1].hex()
        raise YamlError(line, f"not UTF-8 text (byte 0x{byte} at offset {exc.start}); "
                                "save the file as UTF-8") from exc


def load(source: str) -> tuple[Any, yaml.Node | None]:
    """The document's data and its node tree (for line numbers)."""
    _check_depth(source)
    loader = yaml.SafeLoader(source)
    try:
        root = loader.get_single_node()
        if root is not None:
            _check_graph(root)
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        raise _syntax(exc, source) from exc
    except (ValueError, TypeError, RecursionError) as exc:
        # e.g. an integer with more digits than Python converts
        if isinstance(exc, YamlError):
            raise
        raise YamlError(None, f"YAML value cannot be read: {exc}") from exc
    finally:
        loader.dispose()
    return data, root


def _check_depth(source: str) -> None:
    """Nesting from the event stream: the parser keeps its own stack, so no recursion."""
    depth = 0
    try:
        for event in yaml.parse(source, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    raise YamlError(line, f"nested deeper than {MAX_DEPTH} levels")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        raise _syntax(exc, source) from exc


def _syntax(exc: yaml.YAMLError, source: str) -> YamlError:
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        line = source[: exc.position].count("\n") + 1
        return YamlError(line, f"character {exc.character!r} is not allowed in YAML")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return YamlError(mark.line + 1 if mark else 1, f"YAML syntax error: {problem}")


def _check_graph(root: yaml.Node) -> None:
    """Duplicate keys, recursive aliases, expanded size and depth (aliases nest too).

    Iterative post-order walk; each node is measured once, so shared aliases cost nothing.
    """
    sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (expanded nodes, expanded depth)
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        children = _children(node)
        if done:
            on_path.discard(id(node))
            count = 1 + sum(sizes[id(c)][0] for c in children)
            depth = 1 + max((sizes[id(c)][1] for c in children), default=0)
            line = node.start_mark.line + 1
            if count > MAX_NODES:
                raise YamlError(line, f"expands to more than {MAX_NODES} values (aliases)")
            if depth > MAX_DEPTH + 1:
                raise YamlError(line, f"nested deeper than {MAX_DEPTH} levels (aliases)")
            sizes[id(node)] = (count, depth)
            continue
        if id(node) in sizes:
            continue
        if id(node) in on_path:
            raise YamlError(node.start_mark.line + 1, "an alias refers to itself")
        if isinstance(node, yaml.MappingNode):
            _check_duplicates(node)
        elif isinstance(node, yaml.ScalarNode) and len(node.value) > MAX_SCALAR:
            raise YamlError(node.start_mark.line + 1,
                            f"a value of {len(node.value)} characters (at most {MAX_SCALAR})")
        on_path.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_duplicates(node: yaml.MappingNode) -> None:
    seen: dict[tuple[str, str], int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue  # merged keys may override on purpose; complex keys fail later
        ident = (key.tag, str(key.value))
        line = key.start_mark.line + 1
        if ident in seen:
            raise YamlError(line, f"duplicate key {key.value!r} (first at line {seen[ident]}); "
                                    "YAML would silently keep only the last one")
        seen[ident] = line


def line_of(node: yaml.Node | None, loc: list[Any]) -> int | None:
    """Walk the node tree along a validation ``loc``; the 1-based line of the deepest hit."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
            if pair is None:
                return line
            line = pair[0].start_mark.line + 1
            node = pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def matched_depth(node: yaml.Node | None, loc: list[Any]) -> int:
    """How many leading parts of a validation ``loc`` the node tree holds (0: none).

    A merged policy's error belongs to the file that holds the most of its key."""
    depth = 0
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if str(k.value) == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                and part < len(node.value):
            node = node.value[part]
        else:
            node = None
        if node is None:
            break
        depth += 1
    return depth
