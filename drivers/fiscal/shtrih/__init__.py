"""The Штрих-М protocol: the link (``link``) and the register's commands (``driver``)."""
