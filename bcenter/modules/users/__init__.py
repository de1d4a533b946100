"""Пользователи: who works in bcenter, in which role, and how they sign in (issue 16, first step).

* ``passwords`` — scrypt hashes (the standard library's; ARCHITECTURE.md §8: passwords never stored as typed);
* ``accounts`` — users and their roles: add, change a password, list, disable (through the unit of work: audited);
* ``sessions`` — signing in (slowed down after failures, every attempt audited), sessions that expire, signing out.
"""
