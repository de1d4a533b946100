"""Учёт претензий: residents' requests and the acts of interruptions and poor quality they lead to (issue 19)."""
