"""Pure codecs of the device protocols: bytes in, bytes or values out, no I/O (DRIVERS.md §4)."""
