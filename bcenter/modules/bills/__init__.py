"""Payment documents: the ЕПД (Приказ Минстроя 43/пр) with the ГОСТ Р 56042 payment QR code."""
