"""TSV ranges as spreadsheets write them to the clipboard."""
from renstra_desktop.ui.tsv import format_tsv, parse_tsv


def test_excel_range_with_crlf_and_a_trailing_newline():
    assert parse_tsv("3,2\t3,4\r\n100\t\r\n") == [["3,2", "3,4"], ["100", ""]]


def test_quoted_multiline_cells_round_trip():
    grid = [["Satu\nDua", 'kata "kutip"', ""], ["a\tb", "x", "3.193,72"]]
    assert parse_tsv(format_tsv(grid)) == grid


def test_ragged_rows_are_padded_and_empty_text_is_no_range():
    assert parse_tsv("a\nb\tc") == [["a", ""], ["b", "c"]]
    assert parse_tsv("") == []
    assert parse_tsv("\n") == []
