"""Претензионно-исковая работа (issue 20, DOMAIN.md §7): debtor lists, notices, court cases and what they recover."""
