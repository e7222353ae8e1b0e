"""The one YAML loader for release content: bounded, safe, and total.

Every YAML document the tool reads from a release (card front matter, a MOF record) is hostile
input and goes through ``load_yaml``. It returns plain data or raises ``YamlError`` (an
``OpennessError``); nothing else escapes, whatever the text, and nothing runs long:

- **Size** is checked first (UTF-8 bytes, ``YamlLimits.max_bytes``).
- **Depth and expanded size** are measured on the parser's *event stream*, before any node is
  composed: PyYAML's composer and constructor recurse per nesting level (a 500-deep document is a
  ``RecursionError``, and the C composer has no guard at all), and aliases share nodes, so a
  "billion laughs" document is small to load but explodes in every walker downstream (JSON
  rendering, checks). Each alias counts as the size of the node it names.
- **Construction** is ``SafeLoader``'s (the C one when available) with the constructors that build
  Python objects from untrusted text replaced: timestamps stay strings (``2024-99-99`` and
  ``!!timestamp foo`` crash PyYAML's date constructor), ints longer than ``MAX_INT_CHARS`` and
  ints/floats/bools that do not parse stay their text, non-finite floats stay text (``.inf`` is not
  JSON), ``!!binary`` stays its base64 text (nothing from a release is decoded into bytes),
  ``!!set``/``!!omap``/``!!pairs`` become lists, and mapping keys become strings. The result holds
  only ``dict[str, ...]``, ``list``, ``str``, ``int``, ``float``, ``bool`` and ``None``, so every
  caller can serialise it as JSON or YAML.
- Any other exception the parser or constructor raises (PyYAML has ad-hoc ``ValueError``,
  ``TypeError``, ``AttributeError`` paths; the C parser raises ``UnicodeEncodeError`` on lone
  surrogates) is mapped to ``YamlError`` here, at the boundary, so no caller needs its own net.

Callers pick limits that fit the document (``YamlLimits``) and turn ``YamlError`` into a Note (a
card) or a one-line error (a MOF record given as the target).
"""

from __future__ import annotations

import enum
import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openness.errors import OpennessError

if TYPE_CHECKING:  # pragma: no cover
    import yaml

MAX_INT_CHARS = 100  # an int scalar longer than this stays text (Python refuses str->int past 4300 digits)
_MAX_PROBLEM = 160  # characters of a parser message kept in an error line


@dataclass(frozen=True)
class YamlLimits:
    """Bounds for one kind of document."""

    max_bytes: int  # UTF-8 bytes of the YAML text
    max_depth: int  # nesting of mappings/sequences
    max_nodes: int  # nodes once every alias is expanded


class YamlProblem(enum.Enum):
    TOO_LARGE = "too-large"
    TOO_DEEP = "too-deep"
    TOO_MANY_NODES = "too-many-nodes"
    MALFORMED = "malformed"  # the parser or constructor refused it


class YamlError(OpennessError):
    """A YAML document that cannot be loaded within its limits; ``str()`` is one safe line."""

    def __init__(
        self, problem: YamlProblem, detail: str, *, line: int | None = None, limit: int | None = None
    ):
        self.problem = problem
        self.detail = detail  # without the line; escaped, one line
        self.line = line  # 1-based, when the parser said where
        self.limit = limit
        where = f" at line {line}" if line is not None else ""
        super().__init__(f"invalid YAML{where}: {detail}" if problem is YamlProblem.MALFORMED else detail)


_TAG = "tag:yaml.org,2002:"


@functools.cache
def loader() -> Any:
    """The loader class (``SafeLoader``, the C one when available, made total), built on first use.

    PyYAML costs ~20 ms to import (its resolver compiles a dozen patterns); most audited
    releases have no YAML to read (a card without front matter), so it loads only when a YAML
    text reaches ``load_yaml`` (issue 14).
    """
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C parser: 10x faster, same semantics

    class SafeYamlLoader(base):
        """``SafeLoader`` that builds only plain data and never builds it from text that would fail."""

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[str, Any]:
            # Keys become strings as they are read, not after: `1:` and `yes:` (True) are one key to
            # a Python dict, and a later one would silently replace the earlier.
            if not isinstance(node, yaml.MappingNode):
                raise yaml.constructor.ConstructorError(
                    None, None, f"expected a mapping node, but found {node.id}", node.start_mark
                )
            self.flatten_mapping(node)  # `<<` merge keys, as SafeLoader does
            mapping: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=deep)
                if isinstance(key, (dict, list)):
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark, "found a key that is not a scalar",
                        key_node.start_mark,
                    )  # fmt: skip
                mapping[_key(key)] = self.construct_object(value_node, deep=deep)
            return mapping

        def construct_text(self, node: Any) -> str:
            return str(self.construct_scalar(node))

        def construct_int(self, node: Any) -> int | str:
            text = str(self.construct_scalar(node))
            if len(text) > MAX_INT_CHARS:
                return text
            try:
                value: int = super().construct_yaml_int(node)
            except (ValueError, TypeError, IndexError):
                return text  # explicit `!!int foo`, `0b`, `0x_`: the author's text, not a crash
            return value

        def construct_float(self, node: Any) -> float | str:
            text = str(self.construct_scalar(node))
            try:
                value: float = super().construct_yaml_float(node)
            except (ValueError, TypeError, IndexError, OverflowError):
                return text
            return value if math.isfinite(value) else text

        def construct_bool(self, node: Any) -> bool | str:
            text = str(self.construct_scalar(node))
            value = self.bool_values.get(text.lower())
            return text if value is None else bool(value)

        def construct_set(self, node: Any) -> Any:
            data: list[Any] = []
            yield data
            data.extend(self.construct_mapping(node))

        def construct_pairs(self, node: Any) -> Any:
            # `!!omap`/`!!pairs` are a sequence of one-key mappings: load them as exactly that.
            data: list[Any] = []
            yield data
            data.extend(self.construct_sequence(node))

    for _tag in ("timestamp", "binary", "str"):
        SafeYamlLoader.add_constructor(_TAG + _tag, SafeYamlLoader.construct_text)
    SafeYamlLoader.add_constructor(_TAG + "int", SafeYamlLoader.construct_int)
    SafeYamlLoader.add_constructor(_TAG + "float", SafeYamlLoader.construct_float)
    SafeYamlLoader.add_constructor(_TAG + "bool", SafeYamlLoader.construct_bool)
    SafeYamlLoader.add_constructor(_TAG + "set", SafeYamlLoader.construct_set)
    SafeYamlLoader.add_constructor(_TAG + "omap", SafeYamlLoader.construct_pairs)
    SafeYamlLoader.add_constructor(_TAG + "pairs", SafeYamlLoader.construct_pairs)
    return SafeYamlLoader


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


def __getattr__(name: str) -> Any:
    if name == "SafeYamlLoader":  # the class by its old module-level name
        return loader()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_yaml(text: str, limits: YamlLimits) -> Any:
    """Parse one YAML document into plain data within ``limits``; raise ``YamlError`` otherwise.

    An empty document is ``None``; the caller decides what shape it needs.
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise YamlError(
            YamlProblem.TOO_LARGE, f"larger than {_size(limits.max_bytes)}", limit=limits.max_bytes
        )
    import yaml

    _check_events(text, limits)
    try:
        return yaml.load(text, Loader=loader())  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise _malformed(exc) from None
    except Exception as exc:  # the boundary: PyYAML has unguarded paths (see module docstring)
        raise YamlError(YamlProblem.MALFORMED, f"cannot be loaded ({type(exc).__name__})") from None


def _check_events(text: str, limits: YamlLimits) -> None:
    """Walk the event stream: bound nesting and the size the document has once aliases expand.

    Runs before anything is composed, and stops at the first event past a limit, so a deep or
    exploding document costs no more than reading up to that point.
    """
    depth = 0
    counts: list[int] = [0]  # per open collection: nodes in it so far (expanded)
    anchors_open: list[str | None] = [None]
    anchored: dict[str, int] = {}  # anchor -> expanded size of the node it names
    total = 0  # sum(counts), kept incrementally: closing a collection moves its count, adds none
    import yaml

    try:
        for event in yaml.parse(text, Loader=loader()):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > limits.max_depth:
                    raise YamlError(
                        YamlProblem.TOO_DEEP,
                        f"nests deeper than {limits.max_depth} levels",
                        limit=limits.max_depth,
                    )
                counts.append(1)  # the collection itself
                anchors_open.append(event.anchor)
                added = 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
                size = counts.pop()
                anchor = anchors_open.pop()
                if anchor is not None:
                    anchored[anchor] = size
                counts[-1] += size
                added = 0
            elif isinstance(event, yaml.ScalarEvent):
                counts[-1] += 1
                if event.anchor is not None:
                    anchored[event.anchor] = 1
                added = 1
            elif isinstance(event, yaml.AliasEvent):
                added = anchored.get(event.anchor or "", 1)
                counts[-1] += added
            else:
                added = 0
            total += added
            if total > limits.max_nodes:
                raise YamlError(
                    YamlProblem.TOO_MANY_NODES,
                    f"expands to more than {limits.max_nodes} YAML nodes (alias bomb?)",
                    limit=limits.max_nodes,
                )
    except yaml.YAMLError as exc:
        raise _malformed(exc) from None
    except (UnicodeError, ValueError, TypeError) as exc:  # C parser: lone surrogates, odd input
        raise YamlError(YamlProblem.MALFORMED, f"cannot be parsed ({type(exc).__name__})") from None


def _malformed(exc: yaml.YAMLError) -> YamlError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None and isinstance(getattr(mark, "line", None), int) else None
    problem = getattr(exc, "problem", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
    context = getattr(exc, "context", None)
    if context and len(str(problem)) < 20:  # "second occurrence" says nothing without its context
        problem = f"{str(context).split(';')[0]}: {problem}"  # "found duplicate anchor: second occurrence"
    return YamlError(YamlProblem.MALFORMED, one_line(str(problem)), line=line)


def one_line(text: str, limit: int = _MAX_PROBLEM) -> str:
    """A parser message made safe for an error line: non-printable characters escaped, bounded."""
    out = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 and n % (1024 * 1024) == 0 else f"{n // 1024} KB"
