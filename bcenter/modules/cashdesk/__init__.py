"""Касса: shifts, payments at the desk through the fiscal register and the receipt printer, the bill's QR read by a
scanner (issue 14). ``desk`` — the shift and the journaled payment; ``owed`` — what an account owes per recipient
and the receipt's lines; ``scan`` — a scanned bill; ``devices`` — the register and printer by their addresses."""
