"""The tickets router: lodge, read, list, reply, note, change, merge."""
