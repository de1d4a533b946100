"""Receipt printers: the ``ReceiptPrinter`` port (``base``) and its ESC/POS adapter over python-escpos
(``escpos_backend``)."""
