"""The attack on the data layer (issue 8): cases, kills and simultaneous commands; see bench/attack.py."""
