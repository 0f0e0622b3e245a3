"""The one JSON-manifest editor: insertions keep the file's indentation, key order and newlines."""

from intercom_wizard.jsonedit import append_item, insert_into_section, member_entry, member_value_in, object_at, value_of
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import decode


def _apply(text: str, insertion: Insertion | None) -> str:
    assert insertion is not None
    return text[: insertion.offset] + insertion.text + text[insertion.offset :]


def _insert(text: str, section: str, key: str, value: str, *, indent: str = "  ", ordered: bool = True) -> str:
    source = decode(text.encode(), "test.json")
    goes_before = (lambda existing: existing > key) if ordered else None
    return _apply(text, insert_into_section(source, section, member_entry(key, value), default_indent=indent, goes_before=goes_before))


def test_member_goes_where_the_order_puts_it_in_the_files_indentation() -> None:
    text = '{\n    "dependencies": {\n        "a": "1",\n        "c": "3"\n    }\n}\n'
    assert _insert(text, "dependencies", "b", "2") == '{\n    "dependencies": {\n        "a": "1",\n        "b": "2",\n        "c": "3"\n    }\n}\n'
    assert _insert(text, "dependencies", "b", "2", ordered=False).endswith('"c": "3",\n        "b": "2"\n    }\n}\n')


def test_a_missing_section_is_added_after_the_last_member_and_crlf_is_kept() -> None:
    text = '{\r\n\t"name": "app"\r\n}\r\n'
    assert _insert(text, "require", "x/y", "^1") == '{\r\n\t"name": "app",\r\n\t"require": {\r\n\t\t"x/y": "^1"\r\n\t}\r\n}\r\n'


def test_empty_objects_get_the_member_on_a_line_of_its_own() -> None:
    assert _insert("{}\n", "dependencies", "a", "1") == '{\n  "dependencies": {\n    "a": "1"\n  }\n}\n'
    assert _insert('{\n  "dependencies": {}\n}\n', "dependencies", "a", "1") == '{\n  "dependencies": {\n    "a": "1"\n  }\n}\n'


def test_no_object_or_a_section_that_is_not_one_is_left_to_a_person() -> None:
    source = decode(b"[1, 2]\n", "test.json")
    assert insert_into_section(source, "dependencies", member_entry("a", "1"), default_indent="  ") is None
    source = decode(b'{"dependencies": []}\n', "test.json")
    assert insert_into_section(source, "dependencies", member_entry("a", "1"), default_indent="  ") is None


def test_array_items_follow_the_arrays_layout() -> None:
    for text, expected in [
        ('{"l": []}', '{"l": ["x"]}'),
        ('{"l": ["a"]}', '{"l": ["a", "x"]}'),
        ('{"l": [\n    "a"\n  ]}', '{"l": [\n    "a",\n    "x"\n  ]}'),
    ]:
        top = object_at(text)
        listed = value_of(top, "l") if top is not None else None
        assert listed is not None
        assert _apply(text, append_item(decode(text.encode(), "test.json"), listed, '"x"')) == expected


def test_a_dependency_range_is_found_in_file_order() -> None:
    text = '{"devDependencies": {"r": "^4"}, "dependencies": {"r": "^5"}}'
    found = member_value_in(text, "r", ("dependencies", "devDependencies"))
    assert found is not None and found.text() == '"^4"'
    assert member_value_in(text, "r", ("peerDependencies",)) is None
