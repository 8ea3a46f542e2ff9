"""Excel both ways (issue 12 section 1): the export for people, templates to fill offline, and the
import that reads them back through the write door.  ``workbook_reader`` holds the general,
plan-agnostic reading helpers."""
