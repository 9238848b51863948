"""Each lesson topic's logic as plain functions and dataclasses: no widgets, no drawing."""
