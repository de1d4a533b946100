"""bcenter's screens (Flet 1.0.5 in web mode, FLET.md): thin views over ``bcenter.app`` — a view never touches the
database, a driver or SQL; it calls use cases of the application acting as the signed-in user, off the event loop
(``bcenter.ui.common.off_loop``). Each view is ``build_…(page, …) -> refs`` so that tests drive it without a browser.
"""
